"""Database engine, sessions and schema migrations (Alembic) for the service."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import DateTime, Engine, TypeDecorator, create_engine, event, make_url
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from webhooks.sqlite_writers import begin_in_turn, queued_connection_class, writer_lock_path

MIGRATIONS = Path(__file__).with_name("migrations")
_BUSY_TIMEOUT = 30.0  # seconds a SQLite transaction waits for the write lock


class UtcDateTime(TypeDecorator):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Base(DeclarativeBase):
    """Declarative base of every table the service owns."""


def make_engine(url: str) -> Engine:
    """An engine. On SQLite every transaction begins IMMEDIATE (takes the write lock at once, waiting up
    to 30 s for it): a deferred transaction that reads and then writes fails with "database is locked"
    when another process writes meanwhile, which concurrent limit checks do."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    # No pre-ping: a SQLite file has no server to drop the connection, and the ping was one more
    # statement on every event Keycloak pushes.
    writers = queued_connection_class(_BUSY_TIMEOUT, writer_lock_path(make_url(url).database))
    engine = create_engine(url, connect_args={"timeout": _BUSY_TIMEOUT, "check_same_thread": False,
                                              "factory": writers})

    @event.listens_for(engine, "connect")
    def _manual_transactions(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # pysqlite would otherwise BEGIN (deferred) by itself
        if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
            # Write-ahead log: readers no longer wait for the writer, and a commit is one append and
            # one sync instead of a rollback journal's several (synchronous stays FULL: a committed
            # event survives a power cut). The setting stays with the file; -wal and -shm sit beside it.
            dbapi_connection.execute("PRAGMA journal_mode=WAL")

    event.listen(engine, "begin", begin_in_turn)  # one writer at a time (sqlite_writers.py), IMMEDIATE
    return engine


def make_sessions(engine: Engine) -> sessionmaker:
    """A session factory bound to engine."""
    return sessionmaker(engine, expire_on_commit=False)


class SchemaNotCurrent(RuntimeError):
    """The database's schema is not the one this code needs; the message says what to run."""


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest migration this code ships."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest migration; returns that revision. Run by `python -m webhooks
    migrate`, once per deployment, never by every worker at start: two workers migrating the same
    database at once would race."""
    cfg = _alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    return head_revision()


def require_current(engine: Engine) -> None:
    """Refuse to serve on a schema older (or newer) than the code's."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        found = f"at revision {current}" if current else "empty"
        raise SchemaNotCurrent(f"The service's database is {found}; this version needs revision {head}. "
                               "Run `python -m webhooks migrate` (with the same IDP_SERVICE_DATABASE_URL) first.")
