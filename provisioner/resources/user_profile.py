"""User profile validators: email length (up to 320) and the '+' rule; username length to match."""

from __future__ import annotations

import copy

from keycloak import KeycloakAdmin

from contract import names
from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant

RESOURCE = "user-profile"
PLUS_RULE = {"pattern": "^[^+]*$", "error-message": "idpEmailPlusNotAllowed"}
def _service_attribute(name: str, validations: dict | None = None) -> dict:
    return {"name": name, "displayName": "${" + name + "}", "validations": validations or {},
            "permissions": {"view": ["admin", "user"], "edit": ["admin"]}, "multivalued": False}


# Written by the service (onboarding); users see them in the account console, only the service
# edits them, so its checks (tax id checksums, phone verification) cannot be bypassed.
SERVICE_ATTRIBUTES = [
    _service_attribute(names.ONBOARDING_COMPLETED, {"options": {"options": ["true", "false"]}}),
    _service_attribute(names.COUNTRY, {"pattern": {"pattern": "^[A-Z]{2}$", "error-message": "idpCountryCode"}}),
    _service_attribute(names.ACCOUNT_TYPE, {"options": {"options": ["personal", "business"]}}),
    _service_attribute(names.COMPANY_NAME, {"length": {"max": 200}}),
    _service_attribute(names.TAX_ID, {"length": {"max": 32}}),
    _service_attribute(names.CARD_BOUND, {"options": {"options": ["true", "false"]}}),
]
PHONE_ATTRIBUTES = [
    {"name": names.PHONE_NUMBER, "displayName": "${" + names.PHONE_NUMBER + "}",
     "validations": {"pattern": {"pattern": "^\\+[1-9][0-9]{6,14}$", "error-message": "idpPhoneNotE164"}},
     "permissions": {"view": ["admin", "user"], "edit": ["admin"]}, "multivalued": False},
    {"name": names.PHONE_NUMBER_VERIFIED, "displayName": "${" + names.PHONE_NUMBER_VERIFIED + "}",
     "validations": {"options": {"options": ["true", "false"]}},
     "permissions": {"view": ["admin", "user"], "edit": ["admin"]}, "multivalued": False},
]


def _desired_validations(tenant: Tenant) -> dict[str, dict]:
    email = {"email": {"max-local-length": 64}, "length": {"max": tenant.email.max_length}}
    if not tenant.email.allow_plus:
        email["pattern"] = PLUS_RULE
    # With email as username the address is the username too, so it needs the same room.
    username = {"length": {"min": 3, "max": max(255, tenant.email.max_length)}}
    return {"email": email, "username": username}


NAME_ATTRIBUTES = ("firstName", "lastName")
NAMES_REQUIRED = {"roles": ["user"]}  # Keycloak's own default for both


def desired_profile(current: dict, tenant: Tenant) -> dict:
    """The current profile with our validators set; everything else left as it is."""
    profile = copy.deepcopy(current)
    wanted = _desired_validations(tenant)
    for attribute in profile.get("attributes", []):
        if attribute["name"] in NAME_ATTRIBUTES:
            if tenant.login.names == "required":
                attribute["required"] = NAMES_REQUIRED
            else:
                attribute.pop("required", None)
        ours = wanted.get(attribute["name"])
        if ours is None:
            continue
        validations = attribute.setdefault("validations", {})
        if attribute["name"] == "email" and tenant.email.allow_plus and validations.get("pattern") == PLUS_RULE:
            del validations["pattern"]
        validations.update(ours)
    present = {a["name"] for a in profile.get("attributes", [])}
    profile.setdefault("attributes", []).extend(
        copy.deepcopy(a) for a in [*PHONE_ATTRIBUTES, *SERVICE_ATTRIBUTES] if a["name"] not in present)
    return profile


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    """Update the email/username validators when they differ."""
    if not exists:
        return [Change(tenant.realm, RESOURCE, "create", ["email and username validators", "phone attributes"])]
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"reading the user profile of {tenant.realm}"):
        current = admin.get_realm_users_profile()
    want = desired_profile(current, tenant)
    if want == current:
        return [Change(tenant.realm, RESOURCE, "unchanged")]
    details = []
    before_by_name = {a["name"]: a for a in current.get("attributes", [])}
    for after in want.get("attributes", []):
        before = before_by_name.get(after["name"])
        if before is None:
            details.append(f"+attribute {after['name']}")
        elif before.get("validations") != after.get("validations"):
            details.append(f"{after['name']}.validations: {before.get('validations')} -> {after.get('validations')}")
        elif before != after:
            details.append(f"{after['name']}.required: {before.get('required')} -> {after.get('required')}")

    def update() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"updating the user profile of {tenant.realm}"):
            admin.update_realm_users_profile(want)

    return [Change(tenant.realm, RESOURCE, "update", details, update)]
