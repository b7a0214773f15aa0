"""Blocks: silent and mutual."""
