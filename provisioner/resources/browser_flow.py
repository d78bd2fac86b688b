"""The built-in browser (login) flow: its Organization step off. Accounts are Keycloak organizations
for membership and roles, not for finding a user's identity provider by email domain; left on, that
step turns the login page into an identity-first one (email, then password) as soon as the realm
holds one organization, which is a different login page than the tenant chose."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant

RESOURCE = "browser-flow"
FLOW = "browser"
ORGANIZATION_STEP = "Organization"  # the sub-flow Keycloak 26 puts in the browser flow


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    if not exists:
        return [Change(tenant.realm, RESOURCE, "create", [f"{ORGANIZATION_STEP} step: DISABLED"])]
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"reading the browser flow of {tenant.realm}"):
        executions = admin.get_authentication_flow_executions(FLOW)
    step = next((e for e in executions if e.get("level") == 0 and e.get("displayName") == ORGANIZATION_STEP), None)
    if step is None or step["requirement"] == "DISABLED":
        return [Change(tenant.realm, RESOURCE, "unchanged")]

    def update() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"updating the browser flow of {tenant.realm}"):
            admin.update_authentication_flow_executions({**step, "requirement": "DISABLED"}, FLOW)

    return [Change(tenant.realm, RESOURCE, "update", [f"{ORGANIZATION_STEP} step: {step['requirement']} -> DISABLED"],
                   update)]
