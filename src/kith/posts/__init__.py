"""Posts, reposts, reactions, comments and the home feed."""
