"""Private relationship management: tags, notes, tiers, interactions, keep in touch, pruning."""
