"""What the provider's support staff do most, without database access (issue 12)."""
