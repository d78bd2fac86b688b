"""Email confirmation by an AAA-AAA code: resend cooldown, limited attempts, expiry."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from webhooks.codes import check_attempt, code_hash, letter_code, seconds_until
from webhooks.email_code.models import EmailCode
from webhooks.mailer import Mailer
from webhooks.step_errors import StepRefused


@dataclass(frozen=True)
class EmailCodeOptions:
    code_lifetime: int = 900
    attempts: int = 5
    resend_cooldown: int = 60

    @classmethod
    def from_step(cls, step: dict) -> EmailCodeOptions:
        return cls(**{k: step[k] for k in ("code_lifetime", "attempts", "resend_cooldown") if k in step})


@dataclass(frozen=True)
class EmailCodeState:
    sent_to: str | None
    resend_in: int


class EmailCodeService:
    def __init__(self, sessions: sessionmaker, mailer: Mailer, pepper: bytes,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._sessions, self._mailer, self._pepper = sessions, mailer, pepper
        self._now = clock or (lambda: datetime.now(UTC))

    def state(self, options: EmailCodeOptions, realm: str, user_id: str) -> EmailCodeState:
        now = self._now()
        with self._sessions() as session:
            record = self._latest(session, realm, user_id)
        if record is None or record.verified_at is not None:
            return EmailCodeState(None, 0)
        return EmailCodeState(record.email, seconds_until(record.sent_at, options.resend_cooldown, now))

    def send(self, options: EmailCodeOptions, realm: str, user_id: str, email: str,
             compose: Callable[[str], tuple[str, str]]) -> None:
        """Send a fresh code (replacing any earlier one) unless the cooldown has not passed."""
        now = self._now()
        with self._sessions.begin() as session:
            latest = self._latest(session, realm, user_id)
            if latest is not None and latest.verified_at is None:
                wait = seconds_until(latest.sent_at, options.resend_cooldown, now)
                if wait > 0:
                    raise StepRefused("email.resend_too_soon", seconds=wait)
            record_id = str(uuid.uuid4())
            code = letter_code()
            session.add(EmailCode(id=record_id, realm=realm, user_id=user_id, email=email,
                                  code_hash=code_hash(self._pepper, record_id, code), sent_at=now,
                                  expires_at=now + timedelta(seconds=options.code_lifetime),
                                  attempts_left=options.attempts))
            subject, text = compose(code)
            self._mailer.send(email, subject, text)

    def verify(self, realm: str, user_id: str, code: str) -> str:
        """The confirmed address, or StepRefused (wrong, expired, attempts spent, none sent)."""
        now = self._now()
        normalized = (code or "").strip().upper().replace(" ", "")
        if len(normalized) == 6 and "-" not in normalized:
            normalized = f"{normalized[:3]}-{normalized[3:]}"
        with self._sessions.begin() as session:
            record = self._latest(session, realm, user_id)
            # Any spent attempt is committed with this transaction; the refusal is raised after it.
            reason = check_attempt(record, normalized, self._pepper, now)
            refusal = None if reason is None else StepRefused(
                f"email.{reason}", **({"attempts_left": record.attempts_left} if reason == "wrong_code" else {}))
            email = record.email if refusal is None else ""
        if refusal is not None:
            raise refusal
        return email

    @staticmethod
    def _latest(session: Session, realm: str, user_id: str) -> EmailCode | None:
        return session.scalar(select(EmailCode).where(EmailCode.realm == realm, EmailCode.user_id == user_id)
                              .order_by(EmailCode.sent_at.desc()).limit(1))
