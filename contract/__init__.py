"""What the parts agree on: the tenant's onboarding settings (models), the names shared by the `idp`
CLI, the service and the Keycloak extension (attributes, claims, audiences), and the derivation of
per-realm secrets. Both Python packages import it; neither imports the other. The Java constants are
held to these names by tests/unit/test_contract.py."""
