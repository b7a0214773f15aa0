"""Bringing a member's data in from elsewhere and taking it out again."""
