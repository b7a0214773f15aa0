"""Groups: communities within the community, their members, posts and moderation."""
