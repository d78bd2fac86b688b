"""Activating and revoking a user's API access (seed 004). The right itself is the realm role
`idp-api-access`, which Keycloak checks when the `cli` client signs someone in; this module decides
who may get it: a user whose onboarding is complete and, where the tenant requires it, who has set up
an authenticator app. Each answer reads Keycloak at that moment, never a token's copy."""

from __future__ import annotations

import json
from dataclasses import dataclass

from keycloak import KeycloakAdmin

from contract.api_access import ApiAccess
from contract.names import API_ACCESS_ATTRIBUTE, API_ACCESS_ROLE, ONBOARDING_COMPLETED
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.step_errors import StepRefused


@dataclass(frozen=True)
class ApiAccessState:
    active: bool
    onboarding_complete: bool
    totp_required: bool
    totp_configured: bool

    @property
    def may_activate(self) -> bool:
        return self.onboarding_complete and (self.totp_configured or not self.totp_required)


class ApiAccessActivation:
    def __init__(self, keycloak: KeycloakGateway) -> None:
        self._keycloak = keycloak

    def settings(self, realm: str) -> ApiAccess:
        raw = (self._keycloak.realm_attributes(realm) or {}).get(API_ACCESS_ATTRIBUTE)
        return ApiAccess.model_validate(json.loads(raw)) if raw else ApiAccess()

    def state(self, realm: str, user_id: str) -> ApiAccessState:
        def read(admin: KeycloakAdmin) -> ApiAccessState:
            user = admin.get_user(user_id)
            completed = (user.get("attributes") or {}).get(ONBOARDING_COMPLETED) == ["true"]
            roles = {r["name"] for r in admin.get_realm_roles_of_user(user_id)}
            totp = any(c.get("type") == "otp" for c in admin.get_credentials(user_id))
            return ApiAccessState(API_ACCESS_ROLE in roles, completed, self.settings(realm).require_totp, totp)

        return self._keycloak.call(realm, "reading a user's API access", read)

    def activate(self, realm: str, user_id: str) -> ApiAccessState:
        """Grant the role, or StepRefused saying what is missing (onboarding, then the authenticator app)."""
        state = self.state(realm, user_id)
        if state.active:
            return state
        if not state.onboarding_complete:
            raise StepRefused("api_access.needs_onboarding")
        if state.totp_required and not state.totp_configured:
            raise StepRefused("api_access.needs_totp")
        self._set(realm, user_id, True)
        return ApiAccessState(True, state.onboarding_complete, state.totp_required, state.totp_configured)

    def deactivate(self, realm: str, user_id: str) -> ApiAccessState:
        state = self.state(realm, user_id)
        if state.active:
            self._set(realm, user_id, False)
        return ApiAccessState(False, state.onboarding_complete, state.totp_required, state.totp_configured)

    def _set(self, realm: str, user_id: str, active: bool) -> None:
        def change(admin: KeycloakAdmin) -> None:
            role = admin.get_realm_role(API_ACCESS_ROLE)
            if active:
                admin.assign_realm_roles(user_id, [role])
            else:
                admin.delete_realm_roles_of_user(user_id, [role])

        self._keycloak.call(realm, "changing a user's API access", change)
