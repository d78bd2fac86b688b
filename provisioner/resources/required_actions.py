"""Required actions the tenant's flows rely on: verify email, configure TOTP, terms."""

from __future__ import annotations

import json

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakPostError, KeycloakPutError, raise_error_from_response

from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant

RESOURCE = "required-actions"
# VERIFY_EMAIL's own option (Keycloak's EmailCooldownManager): seconds between resends.
RESEND_COOLDOWN = "emailResendCooldownSeconds"


ONBOARDING = "onboarding"  # our extension's required action


def _wanted(tenant: Tenant) -> dict[str, bool]:
    return {"VERIFY_EMAIL": True, "CONFIGURE_TOTP": True, "UPDATE_PASSWORD": True,
            "TERMS_AND_CONDITIONS": tenant.login.terms_and_conditions,
            ONBOARDING: bool(tenant.onboarding.steps)}


def _register_onboarding(admin: KeycloakAdmin, tenant: Tenant) -> Change:
    """Keycloak lists a provider's required action only once it is registered in the realm."""
    def register() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"registering the onboarding required action in {tenant.realm}"):
            raise_error_from_response(admin.connection.raw_post(
                f"admin/realms/{tenant.realm}/authentication/register-required-action",
                data=json.dumps({"providerId": ONBOARDING, "name": "Onboarding"})), KeycloakPostError,
                expected_codes=[200, 201, 204])
            # Keycloak 26 registers it enabled; a version that does not is enabled here, so the
            # step never goes unrun, and otherwise no second write makes Keycloak drop its cached realm.
            action = admin.get_required_action_by_alias(ONBOARDING)
            if not action["enabled"]:
                admin.update_required_action(ONBOARDING, {**action, "enabled": True})

    return Change(tenant.realm, f"{RESOURCE}/{ONBOARDING}", "create", ["registered and enabled"], register)


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    """Enable or disable each listed required action; others are not managed."""
    wanted = _wanted(tenant)
    if not exists:
        return [Change(tenant.realm, RESOURCE, "create", [f"{a}: enabled={e}" for a, e in wanted.items()])]
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"reading required actions of {tenant.realm}"):
        current = {a["alias"]: a for a in admin.get_required_actions()}
    changes = []
    if wanted[ONBOARDING] and ONBOARDING not in current:
        changes.append(_register_onboarding(admin, tenant))
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
    cooldown = _cooldown_change(admin, tenant)
    if cooldown:
        changes.append(cooldown)
    return changes or [Change(tenant.realm, RESOURCE, "unchanged")]


def _config_path(realm: str, alias: str) -> str:
    return f"admin/realms/{realm}/authentication/required-actions/{alias}/config"


def _cooldown_change(admin: KeycloakAdmin, tenant: Tenant) -> Change | None:
    """The verification email's resend cooldown, from email.resend_cooldown."""
    want = str(tenant.email.resend_cooldown)
    path = _config_path(tenant.realm, "VERIFY_EMAIL")
    with keycloak_errors(f"reading the VERIFY_EMAIL config of {tenant.realm}"):
        response = admin.connection.raw_get(path)
    current = response.json().get("config", {}) if response.ok and response.content else {}
    have = current.get(RESEND_COOLDOWN, "30")
    if have == want:
        return None

    def update() -> None:
        with keycloak_errors(f"setting the VERIFY_EMAIL resend cooldown of {tenant.realm}"):
            raise_error_from_response(
                admin.connection.raw_put(path, data=json.dumps({"config": {**current, RESEND_COOLDOWN: want}})),
                KeycloakPutError, expected_codes=[200, 204])

    return Change(tenant.realm, f"{RESOURCE}/VERIFY_EMAIL", "update", [f"{RESEND_COOLDOWN}: {have} -> {want}"],
                  update)
