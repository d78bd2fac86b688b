"""Codes sent to phone numbers, and numbers a user may not use again. (Daily send limits are counted
in webhooks/limits.py.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.db import Base, UtcDateTime


class PhoneVerification(Base):
    """One code sent to one number for one user. Only the code's HMAC is stored."""

    __tablename__ = "phone_verifications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    realm: Mapped[str] = mapped_column(String(255), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    e164: Mapped[str] = mapped_column(String(20), index=True)
    country: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(8))
    code_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts_left: Mapped[int] = mapped_column(Integer)
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class BlockedNumber(Base):
    """A number whose attempts a user spent: that user must try another number (seed 000)."""

    __tablename__ = "phone_blocked_numbers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    e164: Mapped[str] = mapped_column(String(20))
    blocked_at: Mapped[datetime] = mapped_column(UtcDateTime)
