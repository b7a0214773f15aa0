"""The community as an organization runs it: its settings (who may join, sign-in rules)."""
