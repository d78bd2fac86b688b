"""Sending and checking phone codes under a tenant's phone settings. No Flask, no Keycloak.

Every limit holds under concurrency, across service processes: the resend cooldown and each daily
send limit are taken with one conditional UPDATE (webhooks/limits.py), attempts are spent the same
way, and verifying a number holds that number's lock while it counts the accounts that hold it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from contract.onboarding import PhoneStep, international_e164
from webhooks import limits
from webhooks.code_store import CodeStore
from webhooks.codes import numeric_code
from webhooks.domain_errors import DomainError
from webhooks.observability.metrics import CODES_REFUSED, CODES_SENT, PHONE_TENANT_CAP, PHONE_TENANT_TODAY
from webhooks.phone.models import BlockedNumber
from webhooks.phone.phone_policy import ParsedNumber, mask, parse_number
from webhooks.phone.sms import SmsProvider
from webhooks.sealing import Sealer
from webhooks.step_errors import StepRefused

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
# The share of the tenant's daily cap at which the log warns that SMS/voice spend is running high.
TENANT_CAP_ALERT = 0.8
# The stored channel of an inbound call (the user calls the platform; the column holds 8 characters).
INBOUND = "inbound"


def _cooldown_key(realm: str, user_id: str, e164: str) -> str:
    """The resend cooldown runs per user and number."""
    return limits.hashed("phone-resend", realm, user_id, e164)


@dataclass(frozen=True)
class PhoneState:
    """What the phone page shows: a pending code, or a verified number."""

    pending_number: str | None = None
    resend_in: int = 0
    attempts_left: int = 0
    verified_number: str | None = None
    verified_at: datetime | None = None
    # inbound_call: the digits to key in while a call is awaited, and whether the latest call came.
    digits: str | None = None
    called: bool = False


@dataclass(frozen=True)
class CallOutcome:
    """What the platform's voice line says to a caller: `ask` for `length` digits; `verified`; `wrong`
    (attempts_left more); `spent` (no attempts left: the number is blocked for that user); `taken` (the
    number holds enough accounts); `no_pending` (nothing awaits a call from this number to this one)."""

    kind: str
    length: int = 0
    attempts_left: int = 0
    realm: str | None = None


@dataclass(frozen=True)
class _Taken:
    """The counters and cooldown one send took, so a failed delivery can give them back."""

    counters: tuple[tuple[str, str], ...]
    window: str
    cooldown_key: str


class PhoneService:
    """Codes are random, stored only as HMAC, compared in constant time."""

    def __init__(self, sessions: sessionmaker, sms: SmsProvider, codes: CodeStore, clock: Clock | None = None,
                 sealer: Sealer | None = None) -> None:
        self._sessions = sessions
        self._sms = sms
        self._codes = codes
        self._now = clock or (lambda: datetime.now(UTC))
        # Seals the digits an inbound caller keys in: the page shows them again, the database does not.
        self._sealer = sealer

    def state(self, policy: PhoneStep, realm: str, user_id: str) -> PhoneState:
        now = self._now()
        with self._sessions() as session:
            verified = self._codes.latest_verified(session, realm, user_id)
            pending = latest = self._codes.latest(session, realm, user_id)
            if pending is None or pending.verified_at is not None or pending.expires_at <= now \
                    or pending.attempts_left <= 0:
                pending = None
            wait = limits.seconds_left(session, _cooldown_key(realm, user_id, pending.target), now) if pending else 0
        digits = self._sealer.open(pending.id, pending.sealed) if pending and pending.channel == INBOUND \
            and self._sealer else None
        return PhoneState(
            pending_number=pending.target if pending else None,
            resend_in=wait,
            attempts_left=pending.attempts_left if pending else 0,
            verified_number=verified.target if verified else None,
            verified_at=verified.verified_at if verified else None,
            digits=digits,
            called=latest is not None and latest.channel == INBOUND and latest.verified_at is not None)

    def send_code(self, policy: PhoneStep, realm: str, user_id: str, raw_number: str, ip: str,
                  message: Callable[[str], str], default_region: str | None = None) -> ParsedNumber:
        """Check every rule, take the cooldown and the daily limits, then send a fresh code."""
        number, record_id, code, taken = self._issue(policy, realm, user_id, raw_number, ip, default_region,
                                                     policy.channel)
        # Sent after the commit: the limits are held while the provider works, and a failed delivery
        # gives them back, so the user may simply retry.
        try:
            self._sms.send(number.e164, message(code), policy.channel)
        except DomainError:
            with self._sessions.begin() as session:
                self._give_back(session, realm, taken)
                self._codes.discard(session, record_id)
            raise
        CODES_SENT.labels("phone", policy.channel).inc()
        return number

    def _issue(self, policy: PhoneStep, realm: str, user_id: str, raw_number: str, ip: str,
               default_region: str | None, channel: str,
               seal: Callable[[str, str], bytes] | None = None) -> tuple[ParsedNumber, str, str, _Taken]:
        """Check every rule, take the cooldown and the daily limits, and store a fresh code (sealed too
        when the page must show it again): the number, the record's id, the code and what was taken."""
        now = self._now()
        record_id = str(uuid.uuid4())
        code = numeric_code(policy.code_length)
        try:
            number = parse_number(raw_number, policy, default_region)
            with self._sessions.begin() as session:
                self._check_number_usable(session, policy, realm, user_id, number)
                taken = self._take_limits(session, policy, realm, user_id, number, ip, now)
                self._codes.issue(session, record_id=record_id, realm=realm, user_id=user_id, target=number.e164,
                                  code=code, channel=channel, lifetime=policy.code_lifetime,
                                  attempts=policy.attempts_per_code, now=now, country=number.country,
                                  sealed=seal(record_id, code) if seal else None)
                limits.forget_old_windows(session, now)
        except StepRefused as refused:  # counted by reason: the operator's view of limits biting
            CODES_REFUSED.labels("phone", refused.key.removeprefix("phone.")).inc()
            raise
        return number, record_id, code, taken

    def verify(self, policy: PhoneStep, realm: str, user_id: str, code: str) -> str:
        """The verified E.164 number, or StepRefused saying why not. The digits of an inbound call count
        only when keyed in on the call (caller ID is the proof), never typed on the page."""
        now = self._now()
        with self._sessions.begin() as session:
            record = self._codes.latest(session, realm, user_id)
            if record is not None and record.channel == INBOUND:
                refusal = StepRefused("phone.call_not_received", number=policy.call_number or "")
            else:
                refusal = self._try(session, policy, record, code, now)
            verified = record.target if refusal is None and record is not None else ""
        if refusal is not None:
            raise refusal
        return verified

    def _try(self, session: Session, policy: PhoneStep, record, code: str, now: datetime) -> StepRefused | None:
        """Try the code against the record, under the number's lock; None when it verified the number.
        A spent attempt is committed with the caller's transaction; the refusal is raised after it."""
        if record is not None:
            # Two accounts verifying one number at once must not both fit under its account limit.
            limits.lock(session, "phone-number", limits.hashed(record.realm, record.target))
        if record is not None and record.verified_at is None and record.attempts_left > 0 \
                and self._codes.holders(session, record.realm, record.target, record.user_id) \
                >= policy.accounts_per_number:
            return StepRefused("phone.number_taken")  # taken meanwhile by other accounts
        check = self._codes.try_code(session, record, (code or "").strip(), now)
        if check.spent_last:
            session.add(BlockedNumber(realm=record.realm, user_id=record.user_id, e164=record.target,
                                      blocked_at=now))
        return None if check.refused is None else StepRefused(
            f"phone.{check.refused}",
            **({"attempts_left": check.attempts_left} if check.refused == "wrong_code" else {}))

    def start_inbound(self, policy: PhoneStep, realm: str, user_id: str, raw_number: str, ip: str,
                      default_region: str | None = None) -> ParsedNumber:
        """inbound_call: check the number and take the same limits as a send, then await the user's
        call from it; the page shows the digits to key in (sealed in the database)."""
        if self._sealer is None:
            raise DomainError("Inbound calls are not set up on this service.", code="inbound_not_configured",
                              status=503)
        number, *_ = self._issue(policy, realm, user_id, raw_number, ip, default_region, INBOUND,
                                 seal=self._sealer.seal)
        CODES_SENT.labels("phone", policy.channel).inc()
        return number

    def confirm_inbound(self, policy: PhoneStep, realm: str, user_id: str) -> str:
        """The number a call verified, or StepRefused: the call has not come (yet)."""
        with self._sessions() as session:
            record = self._codes.latest(session, realm, user_id)
        if record is None or record.channel != INBOUND:
            raise StepRefused("phone.no_code_sent")
        if record.verified_at is None:
            raise StepRefused("phone.call_not_received", number=policy.call_number or "")
        return record.target

    def answer_call(self, caller: str, called: str, digits: str | None,
                    policy_of: Callable[[str], PhoneStep | None]) -> CallOutcome:
        """A call to the platform's number: find what awaits a call from `caller` (by caller ID) to
        `called`; with `digits`, try them, spending an attempt when wrong. policy_of(realm): the
        tenant's phone step, or None."""
        number, dialled = international_e164(caller), international_e164(called)
        now = self._now()
        if number is None or dialled is None or self._sealer is None:
            return CallOutcome("no_pending")
        with self._sessions.begin() as session:
            waiting = [(r, policy_of(r.realm)) for r in self._codes.awaiting(session, number, INBOUND, now)]
            # Only a call to the number the tenant shows counts.
            waiting = [(r, p) for r, p in waiting if p is not None and p.channel == "inbound_call"
                       and p.call_number == dialled and r.sealed]
            if not waiting:
                return CallOutcome("no_pending")
            # The digits pick the sign-up they belong to; wrong digits spend the newest one's attempt.
            record, policy = next(((r, p) for r, p in waiting if digits and self._codes.matches(r, digits.strip())),
                                  waiting[0])
            length, realm = len(self._sealer.open(record.id, record.sealed) or ""), record.realm
            if digits is None:
                return CallOutcome("ask", length=length, attempts_left=record.attempts_left, realm=realm)
            refusal = self._try(session, policy, record, digits, now)
        log.info("phone: inbound call from %s: %s", mask(number), "verified" if refusal is None else refusal.key)
        if refusal is None:
            return CallOutcome("verified", realm=realm)
        kind = {"phone.wrong_code": "wrong", "phone.attempts_spent": "spent", "phone.number_taken": "taken"}.get(
            refusal.key, "no_pending")
        return CallOutcome(kind, length=length, attempts_left=int(refusal.params.get("attempts_left", 0)),
                           realm=realm)

    def forget(self, session: Session, realm: str, user_id: str) -> None:
        """Forget a deleted user's codes and blocked numbers; their verified number is free again."""
        self._codes.forget(session, realm, user_id)
        session.execute(delete(BlockedNumber).where(BlockedNumber.realm == realm, BlockedNumber.user_id == user_id))

    def _check_number_usable(self, session: Session, policy: PhoneStep, realm: str, user_id: str,
                             number: ParsedNumber) -> None:
        blocked = session.scalar(select(func.count()).select_from(BlockedNumber).where(
            BlockedNumber.realm == realm, BlockedNumber.user_id == user_id, BlockedNumber.e164 == number.e164))
        if blocked:
            raise StepRefused("phone.number_blocked")
        if self._codes.holders(session, realm, number.e164, user_id) >= policy.accounts_per_number:
            raise StepRefused("phone.number_taken")

    def _take_limits(self, session: Session, policy: PhoneStep, realm: str, user_id: str, number: ParsedNumber,
                     ip: str, now: datetime) -> _Taken:
        """Take the resend cooldown and one unit of every daily limit, always in the same order (no
        deadlocks); raising rolls all of them back."""
        cooldown_key = _cooldown_key(realm, user_id, number.e164)
        wait = limits.claim_cooldown(session, cooldown_key, now, policy.resend_cooldown)
        if wait:
            raise StepRefused("phone.resend_too_soon", seconds=wait)
        daily = policy.daily_limits
        window = limits.day_window(now)
        counters = (("phone-number", number.e164, daily.per_number), ("phone-user", user_id, daily.per_user),
                    ("phone-ip", ip, daily.per_ip),
                    ("phone-prefix", number.e164[: 1 + daily.prefix_digits], daily.per_prefix),
                    ("phone-country", number.country, daily.per_country), ("phone-tenant", "", daily.per_tenant))
        taken = []
        for scope, value, limit in counters:
            key = limits.hashed(realm, value)
            count = limits.take(session, scope, key, window, limit)
            if count is None:
                if scope == "phone-tenant":
                    log.error("phone: realm %s reached its daily cap of %d codes; no more are sent until 00:00 "
                              "UTC (raise onboarding phone daily_limits.per_tenant if this is real traffic)",
                              realm, limit)
                raise StepRefused("phone.daily_limit")
            taken.append((scope, key))
            if scope == "phone-tenant":
                PHONE_TENANT_TODAY.labels(realm).set(count)
                PHONE_TENANT_CAP.labels(realm).set(limit)
            if scope == "phone-tenant" and count == max(1, int(limit * TENANT_CAP_ALERT)):
                log.warning("phone: realm %s has sent %d of its %d daily codes (%d%% of the cap); check for "
                            "SMS/voice pumping", realm, count, limit, int(TENANT_CAP_ALERT * 100))
        log.info("phone: code to %s in realm %s", mask(number.e164), realm)
        return _Taken(tuple(taken), window, cooldown_key)

    @staticmethod
    def _give_back(session: Session, realm: str, taken: _Taken) -> None:
        limits.release_cooldown(session, taken.cooldown_key)
        for scope, key in taken.counters:
            limits.give_back(session, scope, key, taken.window)
