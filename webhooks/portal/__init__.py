"""The user's own pages of the service (their balance), signed in through the realm by OIDC."""
