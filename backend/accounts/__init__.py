"""Staff accounts: users and roles, sessions and CSRF (guard.py), audit log, sign-in and public rate limits.

The public never has an account, a cookie or an identifier; everything here is about staff, except the
rate-limit middleware, which keys on a keyed hash of a coarsened address and stores nothing else.
"""
