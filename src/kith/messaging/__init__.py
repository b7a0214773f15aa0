"""Conversations between connections, and message requests from coworkers."""
