"""Email confirmation by a code in AAA-AAA form (seed 003), instead of Keycloak's link."""
