"""The dev inbox table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.db import Base, UtcDateTime


class DevMessage(Base):
    """One caught message as one recipient sees it."""

    __tablename__ = "dev_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    sender: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)

    def as_dict(self) -> dict:
        """The JSON form served by the inbox API."""
        return {
            "id": self.id, "channel": self.channel, "to": self.recipient, "from": self.sender,
            "subject": self.subject, "text": self.text_body, "html": self.html_body,
            "received_at": self.received_at.isoformat(),
        }
