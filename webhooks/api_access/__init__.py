"""API access: a user's right to command-line tools and (later) personal access tokens."""
