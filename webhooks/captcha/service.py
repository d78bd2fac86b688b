"""Captcha challenges: issued per onboarding flow, answered once, short-lived, limited attempts. The
answer is kept only as an HMAC (to check it) and AES-GCM sealed (to draw its picture and sound on
request); neither reveals it to anyone reading the database. No Flask, no Keycloak."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from captcha.audio import AudioCaptcha
from captcha.image import ImageCaptcha
from sqlalchemy.orm import Session, sessionmaker

from contract.onboarding import CaptchaStep
from webhooks import limits
from webhooks.code_store import CodeStore, OneTimeCode
from webhooks.codes import CodeCheck
from webhooks.sealing import Sealer
from webhooks.step_errors import StepRefused

# Letters and digits nobody confuses when reading or hearing them (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
ALPHABET = "34679ACDEFHJKMNPRTUVWXY"
AUDIO_PLAYS = 5  # per challenge: the sound costs real CPU to draw
Reveal = Callable[[str, str, str], None]  # realm, user id, answer: the dev inbox shows it in dev mode


@dataclass(frozen=True)
class Challenge:
    """What the page shows of the current challenge."""

    id: str
    attempts_left: int


class CaptchaService:
    def __init__(self, sessions: sessionmaker, codes: CodeStore, seal_key: bytes, reveal: Reveal | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._sessions, self._codes, self._reveal = sessions, codes, reveal
        self._sealer = Sealer(seal_key)
        self._now = clock or (lambda: datetime.now(UTC))
        self._image = ImageCaptcha(width=240, height=90)
        self._audio = AudioCaptcha()

    def current(self, settings: CaptchaStep, realm: str, user_id: str, flow_id: str) -> Challenge:
        """The flow's live challenge, or a new one when there is none (answered, expired, attempts spent)."""
        now = self._now()
        with self._sessions() as session:
            record = self._codes.latest(session, realm, user_id, target=flow_id)
        if record is not None and record.verified_at is None and record.attempts_left > 0 and record.expires_at > now:
            return Challenge(record.id, record.attempts_left)
        return self.issue(settings, realm, user_id, flow_id)

    def issue(self, settings: CaptchaStep, realm: str, user_id: str, flow_id: str) -> Challenge:
        """A new challenge (a reload, or the first one), within the user's daily number of challenges."""
        now = self._now()
        answer = "".join(secrets.choice(ALPHABET) for _ in range(settings.length))
        record_id = str(uuid.uuid4())
        with self._sessions.begin() as session:
            if limits.take(session, "captcha-issue", limits.hashed(realm, user_id), limits.day_window(now),
                           settings.challenges_per_day) is None:
                raise StepRefused("captcha.too_many")
            self._codes.issue(session, record_id=record_id, realm=realm, user_id=user_id, target=flow_id,
                              code=answer, channel="image", lifetime=settings.lifetime, attempts=settings.attempts,
                              now=now, sealed=self._sealer.seal(record_id, answer))
        if self._reveal is not None:
            self._reveal(realm, user_id, answer)
        return Challenge(record_id, settings.attempts)

    def answer(self, realm: str, user_id: str, flow_id: str, challenge_id: str, typed: str) -> None:
        """Accept the right answer once; StepRefused (wrong, expired, spent, answered already) otherwise."""
        normalized = "".join((typed or "").split()).upper()
        now = self._now()
        with self._sessions.begin() as session:
            record = self._owned(session, realm, user_id, flow_id, challenge_id)
            check = self._codes.try_code(session, record, normalized, now) if record else CodeCheck("no_code_sent")
        if check.refused is not None:
            raise StepRefused(f"captcha.{check.refused}",
                              **({"attempts_left": check.attempts_left} if check.refused == "wrong_code" else {}))

    def picture(self, realm: str, user_id: str, flow_id: str, challenge_id: str) -> bytes | None:
        """The challenge as a PNG, while it is live; None otherwise."""
        answer = self._live_answer(realm, user_id, flow_id, challenge_id)
        return None if answer is None else self._image.generate(answer).getvalue()

    def sound(self, realm: str, user_id: str, flow_id: str, challenge_id: str) -> bytes | None:
        """The challenge spoken (WAV), a few plays per challenge; None otherwise."""
        answer = self._live_answer(realm, user_id, flow_id, challenge_id)
        if answer is None:
            return None
        with self._sessions.begin() as session:
            if limits.take(session, "captcha-audio", limits.hashed(challenge_id), "all", AUDIO_PLAYS) is None:
                return None
        return bytes(self._audio.generate(answer))

    def forget(self, session: Session, realm: str, user_id: str) -> None:
        self._codes.forget(session, realm, user_id)

    def _live_answer(self, realm: str, user_id: str, flow_id: str, challenge_id: str) -> str | None:
        with self._sessions() as session:
            record = self._owned(session, realm, user_id, flow_id, challenge_id)
        if record is None or record.verified_at is not None or record.attempts_left <= 0 \
                or record.expires_at <= self._now() or record.sealed is None:
            return None
        # None: sealed under another key (rotated): the page simply gets a new challenge.
        return self._sealer.open(record.id, record.sealed)

    def _owned(self, session: Session, realm: str, user_id: str, flow_id: str,
               challenge_id: str) -> OneTimeCode | None:
        record = self._codes.get(session, challenge_id)
        return record if record is not None and (record.realm, record.user_id, record.target) == (
            realm, user_id, flow_id) else None
