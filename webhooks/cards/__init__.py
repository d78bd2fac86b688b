"""Payment card binding (seeds 002, 004): card form, 3-D Secure, test charge, one gateway interface."""
