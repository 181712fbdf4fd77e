"""Sharing: a customer passes their design to friends; friends who answer earn a reward."""
