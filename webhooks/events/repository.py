"""Storage for processed events and reconciler checkpoints."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Insert, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from webhooks.events.models import ProcessedEvent, ReconcileCheckpoint

# The two databases the service runs on; both have INSERT ... ON CONFLICT.
_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


@cache
def _claim_statement(dialect: str) -> Insert:
    """The claim's INSERT, built once per dialect with bound parameters. Every Keycloak sign-in sends
    one event, and building the statement from an event's values (the ORM's bulk path, then a cache key
    over those values) cost more of the service's CPU than the insert itself; that CPU is taken from
    Keycloak where both share the machine."""
    table = ProcessedEvent.__table__
    return (_INSERTS[dialect](table).values({column.name: bindparam(column.name) for column in table.columns})
            .on_conflict_do_nothing(index_elements=["id"]).returning(table.c.id))


class EventRepository:
    """Claims event ids (insert-or-skip) inside the caller's transaction."""

    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions

    @staticmethod
    def claim(session: Session, event: dict, via: str) -> bool:
        """Insert the event's id; False if it was processed before (then nothing else may happen).
        One INSERT ... ON CONFLICT DO NOTHING: no read first, no savepoint, so concurrent deliveries
        of one event on several workers cost one round trip each and exactly one wins."""
        row = {"id": event["id"], "realm": event["realm"], "kind": event.get("kind", "user"), "type": event["type"],
               "user_id": event.get("userId"), "occurred_at_ms": int(event.get("time") or 0), "received_via": via,
               "processed_at": datetime.now(UTC)}
        connection = session.connection()
        return connection.execute(_claim_statement(connection.dialect.name), row).first() is not None

    def seen(self, event_id: str) -> bool:
        with self.sessions() as session:
            return session.get(ProcessedEvent, event_id) is not None

    def processed(self, realm: str | None = None, type_: str | None = None, limit: int = 100) -> list[ProcessedEvent]:
        """The newest processed events (at most `limit`), newest first."""
        query = select(ProcessedEvent).order_by(ProcessedEvent.occurred_at_ms.desc()).limit(limit)
        if realm:
            query = query.where(ProcessedEvent.realm == realm)
        if type_:
            query = query.where(ProcessedEvent.type == type_)
        with self.sessions() as session:
            return list(session.scalars(query))

    def known_realms(self) -> set[str]:
        """Realms this service has processed events for (so a new tenant is known from its first push)."""
        with self.sessions() as session:
            return set(session.scalars(select(ProcessedEvent.realm).distinct()))

    def newest_processed(self, realm: str) -> datetime | None:
        """When this service last processed an event of the realm (None: never)."""
        with self.sessions() as session:
            return session.scalar(select(func.max(ProcessedEvent.processed_at)).where(ProcessedEvent.realm == realm))

    def checkpoint(self, realm: str) -> int:
        with self.sessions() as session:
            row = session.get(ReconcileCheckpoint, realm)
            return row.last_event_ms if row else 0

    def advance_checkpoint(self, realm: str, event_ms: int) -> None:
        with self.sessions.begin() as session:
            row = session.get(ReconcileCheckpoint, realm)
            if row is None:
                session.add(ReconcileCheckpoint(realm=realm, last_event_ms=event_ms))
            elif event_ms > row.last_event_ms:
                row.last_event_ms = event_ms
