"""One-way follows."""
