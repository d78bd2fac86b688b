"""Email confirmation by an AAA-AAA code: resend cooldown, limited attempts, expiry."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from contract.onboarding import EmailCodeStep
from webhooks import limits
from webhooks.code_store import CodeStore
from webhooks.codes import letter_code
from webhooks.domain_errors import DomainError
from webhooks.mailer import Mailer
from webhooks.observability.metrics import CODES_REFUSED, CODES_SENT
from webhooks.step_errors import StepRefused


def _cooldown_key(realm: str, user_id: str) -> str:
    """The resend cooldown runs per user."""
    return limits.hashed("email-resend", realm, user_id)


@dataclass(frozen=True)
class EmailCodeState:
    sent_to: str | None
    resend_in: int


class EmailCodeService:
    def __init__(self, sessions: sessionmaker, mailer: Mailer, codes: CodeStore,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._sessions, self._mailer, self._codes = sessions, mailer, codes
        self._now = clock or (lambda: datetime.now(UTC))

    def state(self, options: EmailCodeStep, realm: str, user_id: str) -> EmailCodeState:
        now = self._now()
        with self._sessions() as session:
            record = self._codes.latest(session, realm, user_id)
            if record is None or record.verified_at is not None:
                return EmailCodeState(None, 0)
            return EmailCodeState(record.target, limits.seconds_left(session, _cooldown_key(realm, user_id), now))

    def send(self, options: EmailCodeStep, realm: str, user_id: str, email: str,
             compose: Callable[[str], tuple[str, str]]) -> None:
        """Send a fresh code (replacing any earlier one) unless the cooldown has not passed. The cooldown
        is taken atomically, so parallel requests send one email, not several."""
        now = self._now()
        record_id = str(uuid.uuid4())
        code = letter_code()
        cooldown_key = _cooldown_key(realm, user_id)
        with self._sessions.begin() as session:
            wait = limits.claim_cooldown(session, cooldown_key, now, options.resend_cooldown)
            if wait:
                CODES_REFUSED.labels("email", "resend_too_soon").inc()
                raise StepRefused("email.resend_too_soon", seconds=wait)
            self._codes.issue(session, record_id=record_id, realm=realm, user_id=user_id, target=email, code=code,
                              channel="email", lifetime=options.code_lifetime, attempts=options.attempts, now=now)
        # Sent after the commit (the dev mail sink writes to this same database); a failed send gives
        # the cooldown back and forgets the code.
        try:
            subject, text = compose(code)
            self._mailer.send(email, subject, text)
        except DomainError:
            with self._sessions.begin() as session:
                limits.release_cooldown(session, cooldown_key)
                self._codes.discard(session, record_id)
            raise
        CODES_SENT.labels("email", "email").inc()

    def forget(self, session: Session, realm: str, user_id: str) -> None:
        """Forget a deleted user's codes."""
        self._codes.forget(session, realm, user_id)

    def verify(self, realm: str, user_id: str, code: str) -> str:
        """The address the code was sent to, or StepRefused (wrong, expired, attempts spent, none sent)."""
        now = self._now()
        normalized = (code or "").strip().upper().replace(" ", "")
        if len(normalized) == 6 and "-" not in normalized:
            normalized = f"{normalized[:3]}-{normalized[3:]}"
        with self._sessions.begin() as session:
            record = self._codes.latest(session, realm, user_id)
            # A spent attempt is committed with this transaction; the refusal is raised after it.
            check = self._codes.try_code(session, record, normalized, now)
            refusal = None if check.refused is None else StepRefused(
                f"email.{check.refused}",
                **({"attempts_left": check.attempts_left} if check.refused == "wrong_code" else {}))
            email = record.target if refusal is None else ""
        if refusal is not None:
            raise refusal
        return email
