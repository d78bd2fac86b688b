"""Numbers a user may not use again. (Codes live in webhooks/code_store.py, daily send limits in
webhooks/limits.py.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.db import Base, UtcDateTime


class BlockedNumber(Base):
    """A number whose attempts a user spent: that user must try another number (seed 000)."""

    __tablename__ = "phone_blocked_numbers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    e164: Mapped[str] = mapped_column(String(20))
    blocked_at: Mapped[datetime] = mapped_column(UtcDateTime)
