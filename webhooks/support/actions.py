"""Support actions: lift a brute-force lockout, make a user go through onboarding again, and free a
phone number held by a deleted or mistaken account. Keycloak records each change to a user as an
admin event (actor: the service's account); the service records which person or client asked for it
(a support record), and changes its own rows in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakDeleteError, KeycloakGetError, raise_error_from_response
from sqlalchemy import JSON, Index, Integer, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from contract.names import ONBOARDING_COMPLETED, PHONE_NUMBER, PHONE_NUMBER_VERIFIED
from webhooks.code_store import OneTimeCode
from webhooks.db import Base, UtcDateTime
from webhooks.domain_errors import DomainError
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.onboarding.models import StepCompletion

PHONE_PURPOSE = "phone"  # the phone step's codes (webhooks/phone/service.py)


class SupportRecord(Base):
    __tablename__ = "support_records"
    __table_args__ = (Index("ix_support_records_realm_subject", "realm", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    realm: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))  # "operator" (idp), or "client:<id>" / a user id (the API)
    subject: Mapped[str] = mapped_column(String(320))  # a user id or a phone number
    details: Mapped[dict] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class Released:
    number: str
    holders: list[str]  # the user ids that held it verified


class SupportActions:
    def __init__(self, sessions: sessionmaker, keycloak: KeycloakGateway,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._sessions, self._keycloak = sessions, keycloak
        self._now = clock or (lambda: datetime.now(UTC))

    def _record(self, session, realm: str, action: str, actor: str, subject: str, **details: object) -> None:
        session.add(SupportRecord(realm=realm, action=action, actor=actor[:64], subject=subject, details=details,
                                  at=self._now()))

    def user_id(self, realm: str, email: str) -> str:
        """The id of the user with this email, or a 404 naming the email and the realm."""
        user = self._keycloak.find_user(realm, email)
        if user is None:
            raise DomainError(f"No user with email {email} in realm {realm}.", code="not_found", status=404)
        return user["id"]

    def records(self, realm: str, subject: str) -> list[SupportRecord]:
        """What support did to this user or number, newest first."""
        with self._sessions() as session:
            return list(session.scalars(select(SupportRecord).where(
                SupportRecord.realm == realm, SupportRecord.subject == subject).order_by(SupportRecord.id.desc())))

    def unlock(self, realm: str, user_id: str, actor: str = "operator") -> None:
        """Forget the user's failed sign-ins, so a temporary lockout ends now."""
        def clear(admin: KeycloakAdmin) -> None:
            answer = admin.connection.raw_delete(f"admin/realms/{realm}/attack-detection/brute-force/users/{user_id}")
            raise_error_from_response(answer, KeycloakDeleteError, expected_codes=[204])

        self._keycloak.call(realm, "lifting a lockout", clear)
        with self._sessions.begin() as session:
            self._record(session, realm, "unlock", actor, user_id)

    def reset_onboarding(self, realm: str, user_id: str, actor: str = "operator") -> int:
        """Onboarding not complete, every finished step forgotten: at the next sign-in the wizard starts
        again from its first step (where the tenant enforces it). How many steps were forgotten."""
        self._keycloak.update_user(realm, user_id, {"attributes": {ONBOARDING_COMPLETED: []}})
        with self._sessions.begin() as session:
            forgotten = session.execute(delete(StepCompletion).where(
                StepCompletion.realm == realm, StepCompletion.user_id == user_id)).rowcount or 0
            self._record(session, realm, "reset_onboarding", actor, user_id, steps_forgotten=forgotten)
            return forgotten

    def release_phone(self, realm: str, number: str, actor: str = "operator") -> Released:
        """The number is no one's: its verifications are forgotten, and a user still showing it
        verified in Keycloak no longer does, so its next verification counts it free."""
        with self._sessions.begin() as session:
            holders = sorted(set(session.scalars(select(OneTimeCode.user_id).where(
                OneTimeCode.realm == realm, OneTimeCode.purpose == PHONE_PURPOSE, OneTimeCode.target == number,
                OneTimeCode.verified_at.is_not(None)))))
            session.execute(delete(OneTimeCode).where(
                OneTimeCode.realm == realm, OneTimeCode.purpose == PHONE_PURPOSE, OneTimeCode.target == number))
            self._record(session, realm, "release_phone", actor, number, holders=holders)
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
