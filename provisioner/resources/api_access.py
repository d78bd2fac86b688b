"""Who may call the service's privileged API: its API roles (contract.names.SERVICE_API_ROLES, realm
roles) exist, and each machine client's service account holds, and its tokens carry, exactly the
roles the YAML lists. A scope mapping puts a role into the token; the client takes no other roles
(full scope is off), so its tokens say nothing else about the realm."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from contract.names import (
    ACCOUNT_STATUS_MANAGER_ROLE,
    BILLING_READER_ROLE,
    SERVICE_API_ROLES,
    SUPPORT_ROLE,
    TOKEN_INTROSPECTOR_ROLE,
)
from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import MachineClient, Tenant

ROLE_DESCRIPTIONS = {
    BILLING_READER_ROLE: "Reads bound cards' gateway tokens and auto top-up choices through the service's API",
    TOKEN_INTROSPECTOR_ROLE: "Checks users' personal access tokens at the service's introspection endpoint",
    ACCOUNT_STATUS_MANAGER_ROLE: "Suspends, resumes, activates and closes accounts through the service's API",
    SUPPORT_ROLE: "Support staff's tools through the service's API: unlock, reset onboarding, release a phone",
}


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    if not exists:
        return ([Change(tenant.realm, "roles/api", "create", [f"+{r}" for r in SERVICE_API_ROLES])]
                + [Change(tenant.realm, f"api-access/{c.client_id}", "create", [f"+{r}" for r in c.roles])
                   for c in tenant.machine_clients])
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"reading the realm roles of {tenant.realm}"):
        have_roles = {r["name"] for r in admin.get_realm_roles(search_text="idp-")}
    changes = [_roles_change(admin, tenant, set(SERVICE_API_ROLES) - have_roles)]
    changes.extend(_grants_change(admin, tenant, client) for client in tenant.machine_clients)
    return changes


def _roles_change(admin: KeycloakAdmin, tenant: Tenant, missing: set[str]) -> Change:
    if not missing:
        return Change(tenant.realm, "roles/api", "unchanged")

    def create() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"creating the service's API roles in {tenant.realm}"):
            for name in sorted(missing):
                admin.create_realm_role({"name": name, "description": ROLE_DESCRIPTIONS[name]}, skip_exists=True)

    return Change(tenant.realm, "roles/api", "create", [f"+{r}" for r in sorted(missing)], create)


def _held(admin: KeycloakAdmin, client_id: str | None) -> tuple[set[str], set[str]]:
    """The API roles the machine client's service account holds, and those its tokens carry."""
    if client_id is None:
        return set(), set()
    user = admin.get_client_service_account_user(client_id)
    ours = set(SERVICE_API_ROLES)
    assigned = {r["name"] for r in admin.get_realm_roles_of_user(user["id"])} & ours
    scoped = {r["name"] for r in admin.get_realm_roles_of_client_scope(client_id)} & ours
    return assigned, scoped


def _grants_change(admin: KeycloakAdmin, tenant: Tenant, client: MachineClient) -> Change:
    resource = f"api-access/{client.client_id}"
    wanted = set(client.roles)
    with keycloak_errors(f"reading the API roles of {client.client_id} in {tenant.realm}"):
        assigned, scoped = _held(admin, admin.get_client_id(client.client_id))
    if assigned == wanted and scoped == wanted:
        return Change(tenant.realm, resource, "unchanged")
    details = ([f"+{r}" for r in sorted(wanted - assigned)] + [f"-{r}" for r in sorted(assigned - wanted)]
               + [f"token scope +{r}" for r in sorted(wanted - scoped)]
               + [f"token scope -{r}" for r in sorted(scoped - wanted)])
    action = "create" if not assigned and not scoped else "update"
    return Change(tenant.realm, resource, action, details, lambda: _converge(admin, tenant, client))


def _converge(admin: KeycloakAdmin, tenant: Tenant, client: MachineClient) -> None:
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"granting API roles to {client.client_id} in {tenant.realm}"):
        client_id = admin.get_client_id(client.client_id)
        user = admin.get_client_service_account_user(client_id)
        wanted = set(client.roles)
        assigned, scoped = _held(admin, client_id)

        def pick(names: set[str]) -> list[dict]:
            return [admin.get_realm_role(n) for n in sorted(names)]

        if wanted - assigned:
            admin.assign_realm_roles(user["id"], pick(wanted - assigned))
        if assigned - wanted:
            admin.delete_realm_roles_of_user(user["id"], pick(assigned - wanted))
        if wanted - scoped:
            admin.assign_realm_roles_to_client_scope(client_id, pick(wanted - scoped))
        if scoped - wanted:
            admin.delete_realm_roles_of_client_scope(client_id, pick(scoped - wanted))
