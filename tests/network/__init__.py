"""Tests of kith.network and kith.synthetic."""
