"""The OIDC `phone` client scope, which maps phoneNumber/phoneNumberVerified to token claims."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from contract import names
from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant

RESOURCE = "client-scopes/phone"


def _attribute_mapper(name: str, attribute: str, claim: str, json_type: str) -> dict:
    return {"name": name, "protocol": "openid-connect", "protocolMapper": "oidc-usermodel-attribute-mapper",
            "config": {"user.attribute": attribute, "claim.name": claim, "jsonType.label": json_type,
                       "id.token.claim": "true", "access.token.claim": "true", "userinfo.token.claim": "true",
                       "introspection.token.claim": "true"}}


PHONE_SCOPE = {
    "name": "phone",
    "protocol": "openid-connect",
    "description": "OpenID Connect built-in scope: phone",
    "attributes": {"include.in.token.scope": "true", "display.on.consent.screen": "true",
                   "consent.screen.text": "${phoneScopeConsentText}"},
    "protocolMappers": [
        _attribute_mapper("phone number", names.PHONE_NUMBER, names.PHONE_NUMBER_CLAIM, "String"),
        _attribute_mapper("phone number verified", names.PHONE_NUMBER_VERIFIED, names.PHONE_NUMBER_VERIFIED_CLAIM,
                          "boolean"),
    ],
}


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    """Keycloak creates `phone` in every new realm; recreate it only if someone deleted it."""
    if not exists:
        return [Change(tenant.realm, RESOURCE, "unchanged", ["built into new realms"])]
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"reading client scopes of {tenant.realm}"):
        names = {scope["name"] for scope in admin.get_client_scopes()}
    if "phone" in names:
        return [Change(tenant.realm, RESOURCE, "unchanged")]

    def create() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"creating the phone scope in {tenant.realm}"):
            admin.create_client_scope(PHONE_SCOPE, skip_exists=True)

    return [Change(tenant.realm, RESOURCE, "create", ["phone_number, phone_number_verified claims"], create)]
