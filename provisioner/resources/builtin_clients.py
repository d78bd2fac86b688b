"""Keycloak's own clients in each tenant realm, closed where nobody needs them: `admin-cli` takes no
password grants (tenant users never sign in to the admin API with a password, and a password grant
skips the login page's brute-force, terms and required actions)."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change, field_diffs
from provisioner.config.model import Tenant

SETTINGS = {"admin-cli": {"directAccessGrantsEnabled": False}}


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    """Update the built-in clients whose settings differ."""
    if not exists:
        return [Change(tenant.realm, f"clients/{client_id}", "update",
                       [f"{key}: {value!r}" for key, value in want.items()]) for client_id, want in SETTINGS.items()]
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"listing clients of {tenant.realm}"):
        current = {c["clientId"]: c for c in admin.get_clients()}
    changes = []
    for client_id, want in SETTINGS.items():
        have = current.get(client_id)
        if have is None:  # removed by an operator: nothing to close
            continue
        details = field_diffs(have, want)
        if not details:
            changes.append(Change(tenant.realm, f"clients/{client_id}", "unchanged"))
            continue

        def update(have: dict = have, want: dict = want, client_id: str = client_id) -> None:
            admin.change_current_realm(tenant.realm)
            with keycloak_errors(f"updating built-in client {client_id} in {tenant.realm}"):
                admin.update_client(have["id"], {**have, **want})

        changes.append(Change(tenant.realm, f"clients/{client_id}", "update", details, update))
    return changes
