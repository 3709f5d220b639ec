"""Access: roles and scopes, centre limits, sign-in records."""
