"""The service client's service account holds exactly the realm-management roles listed in YAML."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant

REALM_MANAGEMENT = "realm-management"


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    """Grant missing roles and revoke extra ones: least privilege is the whole point."""
    client_id = tenant.service_client.client_id
    resource = f"service-account/{client_id}"
    wanted = set(tenant.service_client.roles)
    if not exists:
        return [Change(tenant.realm, resource, "create", [f"+{r}" for r in sorted(wanted)])]
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"reading the service account of {client_id} in {tenant.realm}"):
        internal_id = admin.get_client_id(client_id)
        if internal_id is None:  # the client is created by the clients step of this same apply
            return [Change(tenant.realm, resource, "create", [f"+{r}" for r in sorted(wanted)],
                           lambda: _converge(admin, tenant, client_id, wanted))]
        have = _current_roles(admin, internal_id)
    if have == wanted:
        return [Change(tenant.realm, resource, "unchanged")]
    details = [f"+{r}" for r in sorted(wanted - have)] + [f"-{r}" for r in sorted(have - wanted)]
    return [Change(tenant.realm, resource, "update", details, lambda: _converge(admin, tenant, client_id, wanted))]


def _current_roles(admin: KeycloakAdmin, internal_id: str) -> set[str]:
    user = admin.get_client_service_account_user(internal_id)
    management = admin.get_client_id(REALM_MANAGEMENT)
    return {r["name"] for r in admin.get_client_roles_of_user(user["id"], management)}


def _converge(admin: KeycloakAdmin, tenant: Tenant, client_id: str, wanted: set[str]) -> None:
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"setting roles of {client_id}'s service account in {tenant.realm}"):
        internal_id = admin.get_client_id(client_id)
        user = admin.get_client_service_account_user(internal_id)
        management = admin.get_client_id(REALM_MANAGEMENT)
        have = {r["name"]: r for r in admin.get_client_roles_of_user(user["id"], management)}
        add = [admin.get_client_role(management, name) for name in sorted(wanted - set(have))]
        remove = [have[name] for name in sorted(set(have) - wanted)]
        if add:
            admin.assign_client_role(user["id"], management, add)
        if remove:
            admin.delete_client_roles_of_user(user["id"], management, remove)
