"""A believable demo community, built on :mod:`kith.synthetic`."""
