"""Personal access tokens: named, expiring secrets a user creates for scripts (issue 12)."""
