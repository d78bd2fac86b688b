"""Counters, cooldowns and locks that guard security limits and hold under concurrency, across
processes, on SQLite and PostgreSQL alike: every check-and-change is one conditional UPDATE (the
database decides, never a value read earlier), and a transaction that fails any limit rolls back the
others it took. No Flask, no Keycloak; callers pass the session of their own transaction.

Keys are hashed: the tables hold no phone numbers, addresses or user ids in clear."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import Index, Integer, String, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from webhooks.db import Base, UtcDateTime

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class LimitCounter(Base):
    """How many times `key` was counted in `window` (a UTC day, or "lock" for a lock row)."""

    __tablename__ = "limit_counters"
    # Old windows are forgotten at every send (forget_old_windows): a range on this index, not a scan
    # of every counter of the day.
    __table_args__ = (Index("ix_limit_counters_window", "window"),)

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class LimitCooldown(Base):
    """When `key` may next happen."""

    __tablename__ = "limit_cooldowns"
    __table_args__ = (Index("ix_limit_cooldowns_next_at", "next_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UtcDateTime)


def hashed(*parts: str) -> str:
    """A fixed-length key that does not reveal what it counts."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def day_window(now: datetime) -> str:
    """The UTC day `now` falls in: daily limits reset at 00:00 UTC."""
    return now.astimezone(UTC).strftime("%Y-%m-%d")


def _insert_ignore(session: Session, model: type[Base], values: dict) -> None:
    """INSERT ... ON CONFLICT DO NOTHING in the session's dialect (both take it in one statement)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(model).values(**values).on_conflict_do_nothing())


def take(session: Session, scope: str, key: str, window: str, limit: int) -> int | None:
    """Count one more for (scope, key, window) if fewer than `limit` were counted; the new count, or None
    when the limit is reached (then nothing changed)."""
    _insert_ignore(session, LimitCounter, {"scope": scope, "key": key, "window": window, "n": 0})
    row = session.execute(
        update(LimitCounter)
        .where(LimitCounter.scope == scope, LimitCounter.key == key, LimitCounter.window == window,
               LimitCounter.n < limit)
        .values(n=LimitCounter.n + 1)
        .returning(LimitCounter.n)).first()
    return None if row is None else int(row[0])


def give_back(session: Session, scope: str, key: str, window: str) -> None:
    """Undo one take() whose action did not happen (e.g. the SMS provider failed)."""
    session.execute(update(LimitCounter)
                    .where(LimitCounter.scope == scope, LimitCounter.key == key, LimitCounter.window == window,
                           LimitCounter.n > 0)
                    .values(n=LimitCounter.n - 1))


def claim_cooldown(session: Session, key: str, now: datetime, seconds: int) -> int:
    """Start a cooldown of `seconds` for key unless one is running; 0 when claimed, else the seconds left."""
    _insert_ignore(session, LimitCooldown, {"key": key, "next_at": EPOCH})
    claimed = session.execute(update(LimitCooldown)
                              .where(LimitCooldown.key == key, LimitCooldown.next_at <= now)
                              .values(next_at=now + timedelta(seconds=seconds))).rowcount
    return 0 if claimed else seconds_left(session, key, now)


def seconds_left(session: Session, key: str, now: datetime) -> int:
    """Whole seconds (rounded up) until a cooldown ends; 0 when none runs. What a page shows as its
    countdown, read from the very row claim_cooldown decides by."""
    next_at = session.scalar(select(LimitCooldown.next_at).where(LimitCooldown.key == key))
    return 0 if next_at is None or next_at <= now else int((next_at - now).total_seconds() + 0.999)


def release_cooldown(session: Session, key: str) -> None:
    """End a cooldown whose action did not happen."""
    session.execute(update(LimitCooldown).where(LimitCooldown.key == key).values(next_at=EPOCH))


def lock(session: Session, scope: str, key: str) -> None:
    """Hold (scope, key) until the transaction ends: a row lock on PostgreSQL; on SQLite every write
    transaction already holds the database's write lock from its start (BEGIN IMMEDIATE)."""
    _insert_ignore(session, LimitCounter, {"scope": scope, "key": key, "window": "lock", "n": 0})
    session.execute(update(LimitCounter)
                    .where(LimitCounter.scope == scope, LimitCounter.key == key, LimitCounter.window == "lock")
                    .values(n=LimitCounter.n + 1))


def forget_old_windows(session: Session, now: datetime, keep_days: int = 2) -> None:
    """Delete daily counters older than `keep_days` (they can no longer refuse anything)."""
    oldest = day_window(now - timedelta(days=keep_days))
    session.execute(delete(LimitCounter).where(LimitCounter.window != "lock", LimitCounter.window < oldest))
    session.execute(delete(LimitCooldown).where(LimitCooldown.next_at < now - timedelta(days=keep_days)))

