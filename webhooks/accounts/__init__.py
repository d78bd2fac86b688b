"""Accounts (Keycloak organizations), their projects and who holds which role."""
