"""Kith's in-memory connection graph: degrees, mutual connections, suggestions, reach.

A pure library (numpy only). See ``docs/network.md`` for how it works.

Examples
--------
>>> from kith.network import NetworkEngine, OUT_OF_NETWORK
>>> eng = NetworkEngine.from_edges([1, 2], [2, 3])
>>> eng.degree(1, 3), eng.degree(1, 42) == OUT_OF_NETWORK
(2, True)
"""

from ._engine import OUT_OF_NETWORK, NetworkEngine, Reach

__all__ = ["OUT_OF_NETWORK", "NetworkEngine", "Reach"]
