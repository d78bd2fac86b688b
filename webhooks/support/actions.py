"""Support actions: lift a brute-force lockout, make a user go through onboarding again, and free a
phone number held by a deleted or mistaken account. Keycloak records each change to a user as an
admin event (actor: the service's account); the service's own rows are changed in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakDeleteError, KeycloakGetError, raise_error_from_response
from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from contract.names import ONBOARDING_COMPLETED, PHONE_NUMBER, PHONE_NUMBER_VERIFIED
from webhooks.code_store import OneTimeCode
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.onboarding.models import StepCompletion

PHONE_PURPOSE = "phone"  # the phone step's codes (webhooks/phone/service.py)


@dataclass(frozen=True)
class Released:
    number: str
    holders: list[str]  # the user ids that held it verified


class SupportActions:
    def __init__(self, sessions: sessionmaker, keycloak: KeycloakGateway) -> None:
        self._sessions, self._keycloak = sessions, keycloak

    def unlock(self, realm: str, user_id: str) -> None:
        """Forget the user's failed sign-ins, so a temporary lockout ends now."""
        def clear(admin: KeycloakAdmin) -> None:
            answer = admin.connection.raw_delete(f"admin/realms/{realm}/attack-detection/brute-force/users/{user_id}")
            raise_error_from_response(answer, KeycloakDeleteError, expected_codes=[204])

        self._keycloak.call(realm, "lifting a lockout", clear)

    def reset_onboarding(self, realm: str, user_id: str) -> int:
        """Onboarding not complete, every finished step forgotten: at the next sign-in the wizard starts
        again from its first step (where the tenant enforces it). How many steps were forgotten."""
        self._keycloak.update_user(realm, user_id, {"attributes": {ONBOARDING_COMPLETED: []}})
        with self._sessions.begin() as session:
            return session.execute(delete(StepCompletion).where(
                StepCompletion.realm == realm, StepCompletion.user_id == user_id)).rowcount or 0

    def release_phone(self, realm: str, number: str) -> Released:
        """The number is no one's: its verifications are forgotten, and a user still showing it
        verified in Keycloak no longer does, so its next verification counts it free."""
        with self._sessions.begin() as session:
            holders = sorted(set(session.scalars(select(OneTimeCode.user_id).where(
                OneTimeCode.realm == realm, OneTimeCode.purpose == PHONE_PURPOSE, OneTimeCode.target == number,
                OneTimeCode.verified_at.is_not(None)))))
            session.execute(delete(OneTimeCode).where(
                OneTimeCode.realm == realm, OneTimeCode.purpose == PHONE_PURPOSE, OneTimeCode.target == number))
        for user_id in holders:
            user = self._keycloak.call(realm, "reading a number's holder",
                                       lambda admin, u=user_id: _maybe_user(admin, u))
            if user and (user.get("attributes") or {}).get(PHONE_NUMBER) == [number]:
                self._keycloak.update_user(realm, user_id, {"attributes": {PHONE_NUMBER: [],
                                                                           PHONE_NUMBER_VERIFIED: []}})
        return Released(number, holders)


def _maybe_user(admin: KeycloakAdmin, user_id: str) -> dict | None:
    try:
        return admin.get_user(user_id)
    except KeycloakGetError as exc:
        if exc.response_code == 404:  # a deleted holder
            return None
        raise
