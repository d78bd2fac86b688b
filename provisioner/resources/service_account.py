"""The service client's service account holds exactly the realm-management roles listed in YAML."""

from __future__ import annotations

from dataclasses import dataclass

from keycloak import KeycloakAdmin

from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant
from provisioner.errors import KeycloakApiError

REALM_MANAGEMENT = "realm-management"


@dataclass(frozen=True)
class Held:
    """The service account, the realm-management client, and the roles of it the account holds."""

    user_id: str
    management: str
    roles: dict[str, dict]

    @classmethod
    def read(cls, admin: KeycloakAdmin, internal_id: str) -> Held:
        user = admin.get_client_service_account_user(internal_id)
        management = admin.get_client_id(REALM_MANAGEMENT)
        roles = {r["name"]: r for r in admin.get_client_roles_of_user(user["id"], management)}
        return cls(user["id"], management, roles)


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
        if internal_id is None:  # only `idp plan` of a tenant whose clients step has not run
            return [Change(tenant.realm, resource, "create", [f"+{r}" for r in sorted(wanted)],
                           lambda: _converge(admin, tenant, client_id, wanted, None))]
        held = Held.read(admin, internal_id)
    have = set(held.roles)
    if have == wanted:
        return [Change(tenant.realm, resource, "unchanged")]
    details = [f"+{r}" for r in sorted(wanted - have)] + [f"-{r}" for r in sorted(have - wanted)]
    return [Change(tenant.realm, resource, "create" if not have else "update", details,
                   lambda: _converge(admin, tenant, client_id, wanted, held))]


def _converge(admin: KeycloakAdmin, tenant: Tenant, client_id: str, wanted: set[str], held: Held | None) -> None:
    """Make the account hold `wanted`, from what the plan read a moment before (`held`), or read now."""
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"setting roles of {client_id}'s service account in {tenant.realm}"):
        held = held or Held.read(admin, admin.get_client_id(client_id))
        missing = wanted - set(held.roles)
        if missing:
            roles = {r["name"]: r for r in admin.get_client_roles(held.management)}  # one read for all
            unknown = sorted(missing - set(roles))
            if unknown:
                raise KeycloakApiError(f"The {REALM_MANAGEMENT} client of {tenant.realm} has no role {unknown[0]!r}.",
                                       "Check service_client.roles in the tenant's YAML.")
            admin.assign_client_role(held.user_id, held.management, [roles[name] for name in sorted(missing)])
        extra = [held.roles[name] for name in sorted(set(held.roles) - wanted)]
        if extra:
            admin.delete_client_roles_of_user(held.user_id, held.management, extra)
