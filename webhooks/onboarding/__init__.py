"""The onboarding wizard: hand-over from Keycloak, the tenant's steps in order, signed result back."""
