"""Written recommendations: requested, written, approved, shown while the two are connected."""
