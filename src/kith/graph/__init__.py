"""The network engine inside the product: degrees, mutual connections, paths and
reach asked of the engine that ``kith.network_sync`` keeps equal to the database."""
