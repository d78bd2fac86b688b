"""One store for every one-time code the service sends (phone and email alike): one table, one way to
issue, look up and try a code. Only the code's HMAC is kept, bound to its record and peppered per
purpose; attempts are spent by one conditional UPDATE, so parallel guesses never get more than the
attempts. No Flask, no Keycloak; callers pass the session of their own transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Index, Integer, LargeBinary, String, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from webhooks.codes import CodeCheck, code_hash, code_matches
from webhooks.db import Base, UtcDateTime


class OneTimeCode(Base):
    """One code sent to one target (an E.164 number or an email address) for one user."""

    __tablename__ = "one_time_codes"
    __table_args__ = (Index("ix_one_time_codes_owner", "realm", "user_id", "purpose"),
                      Index("ix_one_time_codes_target", "realm", "purpose", "target"),
                      # An inbound call knows the caller's number but not the realm.
                      Index("ix_one_time_codes_caller", "target", "channel"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    realm: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(16))  # phone | email
    target: Mapped[str] = mapped_column(String(320))
    channel: Mapped[str] = mapped_column(String(8))  # sms | voice | inbound | email | image
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts_left: Mapped[int] = mapped_column(Integer)
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # What the service must show again but nobody may read (a captcha's answer, which its picture and
    # sound are drawn from): AES-GCM sealed with the service's key. Codes sent by SMS or email have none.
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class CodeStore:
    """The codes of one purpose ("phone", "email"), each purpose with its own pepper."""

    def __init__(self, purpose: str, pepper: bytes) -> None:
        self.purpose = purpose
        self._pepper = pepper

    def issue(self, session: Session, *, record_id: str, realm: str, user_id: str, target: str, code: str,
              channel: str, lifetime: int, attempts: int, now: datetime, country: str | None = None,
              sealed: bytes | None = None) -> OneTimeCode:
        """Store a new code (its HMAC only); the newest code of a user is the one that counts."""
        record = OneTimeCode(id=record_id, realm=realm, user_id=user_id, purpose=self.purpose, target=target,
                             channel=channel, country=country, code_hash=code_hash(self._pepper, record_id, code),
                             sent_at=now, expires_at=now + timedelta(seconds=lifetime), attempts_left=attempts,
                             sealed=sealed)
        session.add(record)
        return record

    def latest(self, session: Session, realm: str, user_id: str, target: str | None = None) -> OneTimeCode | None:
        """The user's newest code (for `target` only, if given)."""
        query = select(OneTimeCode).where(*self._owner(realm, user_id))
        if target is not None:
            query = query.where(OneTimeCode.target == target)
        return session.scalar(query.order_by(OneTimeCode.sent_at.desc()).limit(1))

    def get(self, session: Session, record_id: str) -> OneTimeCode | None:
        record = session.get(OneTimeCode, record_id)
        return record if record is not None and record.purpose == self.purpose else None

    def awaiting(self, session: Session, target: str, channel: str, now: datetime, limit: int = 5) -> list[OneTimeCode]:
        """The newest live codes of `channel` for `target`, in any realm (an inbound call knows only the
        caller's number; one phone may be starting sign-ups for several people)."""
        return list(session.scalars(select(OneTimeCode).where(
            OneTimeCode.purpose == self.purpose, OneTimeCode.target == target, OneTimeCode.channel == channel,
            OneTimeCode.verified_at.is_(None), OneTimeCode.attempts_left > 0, OneTimeCode.expires_at > now)
            .order_by(OneTimeCode.sent_at.desc(), OneTimeCode.id).limit(limit)))

    def matches(self, record: OneTimeCode, code: str) -> bool:
        """Whether `code` is the record's, spending nothing (the caller then tries it to spend or verify)."""
        return code_matches(self._pepper, record.id, code, record.code_hash)

    def latest_verified(self, session: Session, realm: str, user_id: str) -> OneTimeCode | None:
        return session.scalar(select(OneTimeCode).where(*self._owner(realm, user_id),
                                                        OneTimeCode.verified_at.is_not(None))
                              .order_by(OneTimeCode.verified_at.desc()).limit(1))

    def holders(self, session: Session, realm: str, target: str, other_than: str) -> int:
        """How many other users hold `target` verified."""
        return session.scalar(select(func.count(func.distinct(OneTimeCode.user_id))).where(
            OneTimeCode.realm == realm, OneTimeCode.purpose == self.purpose, OneTimeCode.target == target,
            OneTimeCode.verified_at.is_not(None), OneTimeCode.user_id != other_than)) or 0

    def discard(self, session: Session, record_id: str) -> None:
        """Forget a code that was never delivered."""
        session.execute(delete(OneTimeCode).where(OneTimeCode.id == record_id))

    def forget(self, session: Session, realm: str, user_id: str) -> None:
        """Forget every code of a deleted user."""
        session.execute(delete(OneTimeCode).where(*self._owner(realm, user_id)))

    def try_code(self, session: Session, record: OneTimeCode | None, code: str, now: datetime) -> CodeCheck:
        """Try `code` against the record. Whether an attempt is left is decided by one conditional UPDATE."""
        if record is None or record.verified_at is not None:
            return CodeCheck("no_code_sent")
        live = (OneTimeCode.id == record.id, OneTimeCode.verified_at.is_(None), OneTimeCode.attempts_left > 0,
                OneTimeCode.expires_at > now)
        if code_matches(self._pepper, record.id, code, record.code_hash):
            row = session.execute(update(OneTimeCode).where(*live).values(verified_at=now)
                                  .returning(OneTimeCode.attempts_left)).first()
            if row is not None:
                return CodeCheck(None, int(row[0]))
        else:
            row = session.execute(update(OneTimeCode).where(*live)
                                  .values(attempts_left=OneTimeCode.attempts_left - 1)
                                  .returning(OneTimeCode.attempts_left)).first()
            if row is not None:
                left = int(row[0])
                return CodeCheck("attempts_spent", 0, spent_last=True) if left == 0 else CodeCheck("wrong_code", left)
        # Nothing changed: say why from the record as it is now.
        current = session.execute(select(OneTimeCode.attempts_left, OneTimeCode.verified_at)
                                  .where(OneTimeCode.id == record.id)).first()
        if current is None or current[1] is not None:
            return CodeCheck("no_code_sent")
        if current[0] <= 0:
            return CodeCheck("attempts_spent")
        return CodeCheck("code_expired", int(current[0]))

    def _owner(self, realm: str, user_id: str) -> tuple:
        return OneTimeCode.realm == realm, OneTimeCode.user_id == user_id, OneTimeCode.purpose == self.purpose
