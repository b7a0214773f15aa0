"""Network insights: a member's own figures and the community's, with charts."""
