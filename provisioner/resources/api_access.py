"""Who may call the service's privileged API: its API roles (contract.names.SERVICE_API_ROLES, realm
roles) exist, and each machine client's service account holds, and its tokens carry, exactly the
roles the YAML lists. A scope mapping puts a role into the token; the client takes no other roles
(full scope is off), so its tokens say nothing else about the realm."""

from __future__ import annotations

from dataclasses import dataclass

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
from provisioner.errors import KeycloakApiError
from provisioner.resources import realm_roles

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
            realm_roles.create_missing(admin, [{"name": name, "description": ROLE_DESCRIPTIONS[name]}
                                               for name in sorted(missing)])

    return Change(tenant.realm, "roles/api", "create", [f"+{r}" for r in sorted(missing)], create)


@dataclass(frozen=True)
class Held:
    """A machine client, its service account, and the API roles the account holds and its tokens carry."""

    client_id: str
    user_id: str
    assigned: frozenset[str]
    scoped: frozenset[str]

    @classmethod
    def read(cls, admin: KeycloakAdmin, client_id: str) -> Held:
        user = admin.get_client_service_account_user(client_id)
        ours = set(SERVICE_API_ROLES)
        assigned = {r["name"] for r in admin.get_realm_roles_of_user(user["id"])} & ours
        scoped = {r["name"] for r in admin.get_realm_roles_of_client_scope(client_id)} & ours
        return cls(client_id, user["id"], frozenset(assigned), frozenset(scoped))


def _grants_change(admin: KeycloakAdmin, tenant: Tenant, client: MachineClient) -> Change:
    resource = f"api-access/{client.client_id}"
    wanted = set(client.roles)
    with keycloak_errors(f"reading the API roles of {client.client_id} in {tenant.realm}"):
        client_id = admin.get_client_id(client.client_id)
        held = Held.read(admin, client_id) if client_id is not None else None
    assigned, scoped = (set(held.assigned), set(held.scoped)) if held else (set(), set())
    if assigned == wanted and scoped == wanted:
        return Change(tenant.realm, resource, "unchanged")
    details = ([f"+{r}" for r in sorted(wanted - assigned)] + [f"-{r}" for r in sorted(assigned - wanted)]
               + [f"token scope +{r}" for r in sorted(wanted - scoped)]
               + [f"token scope -{r}" for r in sorted(scoped - wanted)])
    action = "create" if not assigned and not scoped else "update"
    return Change(tenant.realm, resource, action, details, lambda: _converge(admin, tenant, client, held))


def _converge(admin: KeycloakAdmin, tenant: Tenant, client: MachineClient, held: Held | None) -> None:
    """Grant and scope exactly the YAML's roles, from what the plan read a moment before (`held`), or
    read now (the client was created after the plan)."""
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"granting API roles to {client.client_id} in {tenant.realm}"):
        held = held or Held.read(admin, admin.get_client_id(client.client_id))
        wanted = set(client.roles)
        # One read for every API role (they were created a moment ago by this module if missing).
        roles = {r["name"]: r for r in admin.get_realm_roles(search_text="idp-")}

        def pick(names: set[str]) -> list[dict]:
            missing = sorted(names - set(roles))
            if missing:
                raise KeycloakApiError(f"The realm role {missing[0]!r} is missing from {tenant.realm}.",
                                       "Run `idp apply` again; it creates the service's API roles first.")
            return [roles[n] for n in sorted(names)]

        if wanted - held.assigned:
            admin.assign_realm_roles(held.user_id, pick(wanted - held.assigned))
        if held.assigned - wanted:
            admin.delete_realm_roles_of_user(held.user_id, pick(held.assigned - wanted))
        if wanted - held.scoped:
            admin.assign_realm_roles_to_client_scope(held.client_id, pick(wanted - held.scoped))
        if held.scoped - wanted:
            admin.delete_realm_roles_of_client_scope(held.client_id, pick(held.scoped - wanted))
