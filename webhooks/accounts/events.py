"""What happened in an account, for its admins to read: invitations sent, revoked and accepted, roles
changed, members removed, projects created and renamed. Kept in the service's database next to the
Keycloak events it processes; who did it is a user id, or "operator" for `idp`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import JSON, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from webhooks.db import Base, UtcDateTime


class AccountEvent(Base):
    __tablename__ = "account_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    realm: Mapped[str] = mapped_column(String(255))
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(320))  # a user id, or the invited email
    details: Mapped[dict] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class AccountEvents:
    def __init__(self, sessions: sessionmaker, clock: Callable[[], datetime] | None = None) -> None:
        self._sessions = sessions
        self._now = clock or (lambda: datetime.now(UTC))

    def record(self, realm: str, org_id: str, type_: str, actor: str | None, subject: str, **details: object) -> None:
        with self._sessions.begin() as session:
            session.add(AccountEvent(realm=realm, org_id=org_id, type=type_, actor=actor or "operator", subject=subject,
                                     details=details, at=self._now()))

    def recent(self, realm: str, org_id: str, limit: int = 100) -> list[AccountEvent]:
        """The account's newest events first."""
        with self._sessions() as session:
            return list(session.scalars(select(AccountEvent).where(AccountEvent.realm == realm,
                                                                   AccountEvent.org_id == org_id)
                                        .order_by(AccountEvent.id.desc()).limit(limit)))
