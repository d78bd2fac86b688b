"""Required actions the tenant's flows rely on: verify email, configure TOTP, terms."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant

RESOURCE = "required-actions"


def _wanted(tenant: Tenant) -> dict[str, bool]:
    return {"VERIFY_EMAIL": True, "CONFIGURE_TOTP": True, "UPDATE_PASSWORD": True,
            "TERMS_AND_CONDITIONS": tenant.login.terms_and_conditions}


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    """Enable or disable each listed required action; others are not managed."""
    wanted = _wanted(tenant)
    if not exists:
        return [Change(tenant.realm, RESOURCE, "create", [f"{a}: enabled={e}" for a, e in wanted.items()])]
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"reading required actions of {tenant.realm}"):
        current = {a["alias"]: a for a in admin.get_required_actions()}
    changes = []
    for alias, enabled in wanted.items():
        action = current.get(alias)
        if action is None or action["enabled"] == enabled:
            continue

        def update(action: dict = action, enabled: bool = enabled) -> None:
            admin.change_current_realm(tenant.realm)
            with keycloak_errors(f"updating required action {action['alias']} of {tenant.realm}"):
                admin.update_required_action(action["alias"], {**action, "enabled": enabled})

        changes.append(Change(tenant.realm, f"{RESOURCE}/{alias}", "update",
                              [f"enabled: {action['enabled']} -> {enabled}"], update))
    return changes or [Change(tenant.realm, RESOURCE, "unchanged")]
