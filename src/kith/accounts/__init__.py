"""Accounts: sign up, sign in (throttled), sessions and API tokens."""
