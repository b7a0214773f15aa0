"""Warm introductions: ask a shared connection to introduce you (DESIGN "Introductions")."""
