"""The terms-and-conditions checkbox of the built-in registration form."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant

RESOURCE = "registration-flow"
FLOW = "registration"
TERMS_PROVIDER = "registration-terms-and-conditions"


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    """Set the terms execution to REQUIRED or DISABLED as the tenant asks."""
    want = "REQUIRED" if tenant.login.terms_and_conditions else "DISABLED"
    if not exists:
        return [Change(tenant.realm, RESOURCE, "create", [f"terms and conditions: {want}"])]
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"reading the registration flow of {tenant.realm}"):
        executions = admin.get_authentication_flow_executions(FLOW)
    terms = next((e for e in executions if e.get("providerId") == TERMS_PROVIDER), None)
    if terms is None:
        return [Change(tenant.realm, RESOURCE, "unchanged", ["no terms execution in this Keycloak's flow"])]
    if terms["requirement"] == want:
        return [Change(tenant.realm, RESOURCE, "unchanged")]

    def update() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"updating the registration flow of {tenant.realm}"):
            admin.update_authentication_flow_executions({**terms, "requirement": want}, FLOW)

    return [Change(tenant.realm, RESOURCE, "update", [f"terms and conditions: {terms['requirement']} -> {want}"],
                   update)]
