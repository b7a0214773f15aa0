"""Invitations and two-way connections."""
