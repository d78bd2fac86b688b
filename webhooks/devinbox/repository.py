"""Storage of dev inbox messages."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from webhooks.devinbox.models import DevMessage


class DevInboxRepository:
    """Adds and lists caught messages; addresses are matched case-insensitively."""

    def __init__(self, sessions: sessionmaker) -> None:
        self._sessions = sessions

    def add(self, *, channel: str, recipients: list[str], sender: str, subject: str, text_body: str,
            html_body: str | None) -> None:
        """Store one copy per recipient."""
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            for recipient in recipients:
                session.add(DevMessage(channel=channel, recipient=recipient.lower(), sender=sender,
                                       subject=subject, text_body=text_body, html_body=html_body,
                                       received_at=now))

    def list(self, recipient: str | None = None, limit: int = 100) -> list[DevMessage]:
        """Newest first, optionally for one recipient."""
        query = select(DevMessage).order_by(DevMessage.id.desc()).limit(limit)
        if recipient:
            query = query.where(DevMessage.recipient == recipient.lower())
        with self._sessions() as session:
            return list(session.scalars(query))

    def get(self, message_id: int) -> DevMessage | None:
        """One message by id."""
        with self._sessions() as session:
            return session.get(DevMessage, message_id)

    def recipients(self, limit: int = 200) -> list[tuple[str, int]]:
        """The most recent recipients (at most `limit`) with their message counts."""
        query = (select(DevMessage.recipient, func.count(), func.max(DevMessage.id))
                 .group_by(DevMessage.recipient).order_by(func.max(DevMessage.id).desc()).limit(limit))
        with self._sessions() as session:
            return [(recipient, count) for recipient, count, _ in session.execute(query)]
