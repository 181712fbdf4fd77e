"""Contacts: a phone number's opaque id, its opt-out, and its erasure."""
