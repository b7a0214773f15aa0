"""Kith: a self-hostable professional network."""

__version__ = "0.1.0"
