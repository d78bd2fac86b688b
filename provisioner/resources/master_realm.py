"""The master realm (Keycloak's administrators) gets brute-force protection, which Keycloak ships
off: the admin password must not be guessable at full speed. Run once per apply, not per tenant."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change, field_diffs

REALM = "master"
# Lock an administrator out for a growing while after 5 wrong passwords in 12 hours (1 min, 2 min,
# ... at most 15 min); never for good, so the operator is never locked out of their own server.
SETTINGS = {
    "bruteForceProtected": True, "permanentLockout": False, "failureFactor": 5, "waitIncrementSeconds": 60,
    "maxFailureWaitSeconds": 900, "maxDeltaTimeSeconds": 43200, "quickLoginCheckMilliSeconds": 1000,
    "minimumQuickLoginWaitSeconds": 60,
}


def plan(admin: KeycloakAdmin) -> list[Change]:
    """Turn on the master realm's brute-force protection if it is off or differs."""
    with keycloak_errors("reading the master realm"):
        have = admin.get_realm(REALM)
    details = field_diffs(have, SETTINGS)
    if not details:
        return [Change(REALM, "realm/brute-force", "unchanged")]

    def update() -> None:
        with keycloak_errors("protecting the master realm against brute force"):
            admin.update_realm(REALM, SETTINGS)

    return [Change(REALM, "realm/brute-force", "update", details, update)]
