"""One SQLite writer at a time per process, queued on a lock instead of SQLite's polling.

Every transaction on the service's SQLite file begins IMMEDIATE (webhooks/db.py), so only one runs at a
time. A connection that finds SQLite's write lock taken sleeps and polls (1, 2, 5, 10, 15, 20, 25 ...
ms), so with a few of the server's threads writing at once some slept tens of milliseconds after the
lock was free again: event intake p99 85-87 ms and a worst case near half a second, against a median
of 5-6 ms. Here the process's threads wait on a lock taken before BEGIN IMMEDIATE and given back when
SQLite gives its own back (commit, rollback, close), so the next writer starts as the last one ends:
p99 21-40 ms, worst case under 100 ms, in the same benchmark. Other processes on the same file still
wait as SQLite makes them (busy timeout).

A plain Lock with SQLite's own timeout, not an RLock: a thread that begins a second transaction
while its first is open waits, and fails after the timeout with SQLite's own "database is locked", as
it did before; and a pool that rolls a connection back on another thread (a garbage-collected
session) may give the lock back."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy import Engine, event, exc


def queue_writers(engine: Engine, timeout: float) -> None:
    """Make `engine`'s transactions wait for each other on a lock (at most `timeout` seconds), then
    BEGIN IMMEDIATE."""
    writer = threading.Lock()
    holding: set[int] = set()  # the raw connections whose open transaction holds the lock
    dialect = engine.dialect
    commit, rollback, close = dialect.do_commit, dialect.do_rollback, dialect.do_close

    def raw_id(connection: Any) -> int:
        return id(getattr(connection, "dbapi_connection", connection))

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection) -> None:
        if not writer.acquire(timeout=timeout):
            # What SQLAlchemy raises when SQLite's own wait runs out.
            raise exc.OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writer.release()
            raise
        holding.add(raw_id(connection.connection))

    def given_back(connection: Any) -> None:
        # The pool also rolls back connections that began nothing (when returned, when first made).
        key = raw_id(connection)
        if key in holding:
            holding.discard(key)
            writer.release()

    def do_commit(connection: Any) -> None:
        try:
            commit(connection)
        finally:
            given_back(connection)

    def do_rollback(connection: Any) -> None:
        try:
            rollback(connection)
        finally:
            given_back(connection)

    def do_close(connection: Any) -> None:
        try:
            close(connection)
        finally:
            given_back(connection)

    dialect.do_commit, dialect.do_rollback, dialect.do_close = do_commit, do_rollback, do_close
