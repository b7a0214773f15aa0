"""People search and people you may know."""
