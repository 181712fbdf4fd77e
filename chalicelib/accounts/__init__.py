"""Marketers' named accounts: users with roles, passwords, API keys, console sessions, sign-in
lockout and the audit log of what they did."""
