"""The network engine inside the product: kept equal to the database through the
outbox, and asked for degrees, mutual connections, paths and reach."""
