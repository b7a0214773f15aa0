"""In-app notifications: invitation received, invitation accepted, new follower."""
