"""Sending and checking phone codes under a tenant's PhonePolicy. No Flask, no Keycloak."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from webhooks.codes import check_attempt, code_hash, numeric_code, seconds_until
from webhooks.phone.models import BlockedNumber, PhoneSend, PhoneVerification
from webhooks.phone.phone_policy import ParsedNumber, PhonePolicy, parse_number
from webhooks.phone.sms import SmsProvider
from webhooks.step_errors import StepRefused

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class PhoneState:
    """What the phone page shows: a pending code, or a verified number."""

    pending_number: str | None = None
    resend_in: int = 0
    attempts_left: int = 0
    verified_number: str | None = None
    verified_at: datetime | None = None


class PhoneService:
    """Codes are random, stored only as HMAC, compared in constant time."""

    def __init__(self, sessions: sessionmaker, sms: SmsProvider, pepper: bytes, clock: Clock | None = None) -> None:
        self._sessions = sessions
        self._sms = sms
        self._pepper = pepper
        self._now = clock or (lambda: datetime.now(UTC))

    def state(self, policy: PhonePolicy, realm: str, user_id: str) -> PhoneState:
        now = self._now()
        with self._sessions() as session:
            verified = self._verified(session, realm, user_id)
            pending = self._latest(session, realm, user_id)
        if pending is None or pending.verified_at is not None or pending.expires_at <= now \
                or pending.attempts_left <= 0:
            pending = None
        return PhoneState(
            pending_number=pending.e164 if pending else None,
            resend_in=seconds_until(pending.sent_at, policy.resend_cooldown, now) if pending else 0,
            attempts_left=pending.attempts_left if pending else 0,
            verified_number=verified.e164 if verified else None,
            verified_at=verified.verified_at if verified else None)

    def send_code(self, policy: PhonePolicy, realm: str, user_id: str, raw_number: str, ip: str,
                  message: Callable[[str], str], default_region: str | None = None) -> ParsedNumber:
        """Check every rule, then send a fresh code by the tenant's channel."""
        number = parse_number(raw_number, policy, default_region)
        now = self._now()
        with self._sessions.begin() as session:
            self._check_may_send(session, policy, realm, user_id, number, ip, now)
            record_id = str(uuid.uuid4())
            code = numeric_code(policy.code_length)
            session.add(PhoneVerification(
                id=record_id, realm=realm, user_id=user_id, e164=number.e164, country=number.country,
                channel=policy.channel, code_hash=code_hash(self._pepper, record_id, code), sent_at=now,
                expires_at=now + timedelta(seconds=policy.code_lifetime), attempts_left=policy.attempts_per_code))
            session.add(PhoneSend(realm=realm, user_id=user_id, e164=number.e164, ip=ip, country=number.country,
                                  prefix=number.e164[: 1 + policy.daily_limits.prefix_digits], sent_at=now))
            # Inside the transaction: if the provider fails, nothing is recorded and the user may retry.
            self._sms.send(number.e164, message(code), policy.channel)
        return number

    def verify(self, policy: PhonePolicy, realm: str, user_id: str, code: str) -> str:
        """The verified E.164 number, or StepRefused saying why not."""
        now = self._now()
        with self._sessions.begin() as session:
            record = self._latest(session, realm, user_id)
            if record is not None and record.verified_at is None and record.attempts_left > 0 \
                    and self._holders(session, realm, record.e164, user_id) >= policy.accounts_per_number:
                refusal = StepRefused("phone.number_taken")  # taken meanwhile by other accounts
            else:
                # Any spent attempt is committed with this transaction; the refusal is raised after it.
                had_attempts = record is not None and record.attempts_left > 0
                reason = check_attempt(record, (code or "").strip(), self._pepper, now)
                if reason == "attempts_spent" and had_attempts:  # this attempt spent the last one
                    session.add(BlockedNumber(realm=realm, user_id=user_id, e164=record.e164, blocked_at=now))
                refusal = None if reason is None else StepRefused(
                    f"phone.{reason}", **({"attempts_left": record.attempts_left} if reason == "wrong_code" else {}))
            verified = record.e164 if refusal is None else ""
        if refusal is not None:
            raise refusal
        return verified

    def _check_may_send(self, session: Session, policy: PhonePolicy, realm: str, user_id: str,
                        number: ParsedNumber, ip: str, now: datetime) -> None:
        blocked = session.scalar(select(func.count()).select_from(BlockedNumber).where(
            BlockedNumber.realm == realm, BlockedNumber.user_id == user_id, BlockedNumber.e164 == number.e164))
        if blocked:
            raise StepRefused("phone.number_blocked")
        if self._holders(session, realm, number.e164, user_id) >= policy.accounts_per_number:
            raise StepRefused("phone.number_taken")
        latest = self._latest(session, realm, user_id)
        if latest is not None and latest.e164 == number.e164 and latest.verified_at is None:
            wait = seconds_until(latest.sent_at, policy.resend_cooldown, now)
            if wait > 0:
                raise StepRefused("phone.resend_too_soon", seconds=wait)
        since = now - timedelta(days=1)
        limits = policy.daily_limits
        prefix = number.e164[: 1 + limits.prefix_digits]
        for column, value, limit in ((PhoneSend.e164, number.e164, limits.per_number),
                                     (PhoneSend.user_id, user_id, limits.per_user),
                                     (PhoneSend.ip, ip, limits.per_ip),
                                     (PhoneSend.prefix, prefix, limits.per_prefix),
                                     (PhoneSend.country, number.country, limits.per_country)):
            sent = session.scalar(select(func.count()).select_from(PhoneSend).where(
                PhoneSend.realm == realm, column == value, PhoneSend.sent_at > since))
            if sent >= limit:
                raise StepRefused("phone.daily_limit")

    @staticmethod
    def _latest(session: Session, realm: str, user_id: str) -> PhoneVerification | None:
        return session.scalar(select(PhoneVerification).where(
            PhoneVerification.realm == realm, PhoneVerification.user_id == user_id)
            .order_by(PhoneVerification.sent_at.desc()).limit(1))

    @staticmethod
    def _verified(session: Session, realm: str, user_id: str) -> PhoneVerification | None:
        return session.scalar(select(PhoneVerification).where(
            PhoneVerification.realm == realm, PhoneVerification.user_id == user_id,
            PhoneVerification.verified_at.is_not(None)).order_by(PhoneVerification.verified_at.desc()).limit(1))

    @staticmethod
    def _holders(session: Session, realm: str, e164: str, user_id: str) -> int:
        """How many other accounts hold this number verified."""
        return session.scalar(select(func.count(func.distinct(PhoneVerification.user_id))).where(
            PhoneVerification.realm == realm, PhoneVerification.e164 == e164,
            PhoneVerification.verified_at.is_not(None), PhoneVerification.user_id != user_id)) or 0
