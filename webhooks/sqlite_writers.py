"""One SQLite writer at a time per process, queued on a lock instead of SQLite's polling.

Every transaction on the service's SQLite file begins IMMEDIATE, so only one runs at a time. A
connection that finds SQLite's write lock taken sleeps and polls (1, 2, 5, 10, 15, 20, 25 ... ms), so
with a few of the server's threads writing at once some slept tens of milliseconds after the lock was
free again: event intake p99 85-87 ms and a worst case near half a second, against a median of 5-6 ms.
Here the process's threads wait on a lock taken before BEGIN IMMEDIATE and given back when SQLite
gives its own back (commit, rollback, close), so the next writer starts as the last one ends: p99
22-40 ms, worst case under 100 ms, in the same benchmark.

Several processes on one file (gunicorn's workers, the background worker) queue the same way across
processes: the thread whose turn it is in its process then takes an exclusive lock on a file beside the
database (`<database>-writer.lock`, filelock's flock, polled every millisecond, where SQLite's own wait
sleeps up to 100 ms between tries). Under gunicorn's 4 workers on SQLite the intake's p99 was 57-80 ms
with SQLite's wait alone.

The lock lives in the connection class pysqlite makes connections of (its `factory` argument), so a
connection knows whether it holds it. A plain Lock with SQLite's own timeout, not an RLock: a thread
that begins a second transaction while its first is open waits, and fails after the timeout with
"database is locked", as it did before; and a pool that rolls a connection back on another thread (a
garbage-collected session) may give the lock back."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable

from filelock import FileLock
from filelock import Timeout as FileLockTimeout
from sqlalchemy import exc

_POLL = 0.001  # seconds between tries of another process's lock: one syscall each


def _locked() -> exc.OperationalError:
    # What SQLAlchemy raises when SQLite's own wait runs out.
    return exc.OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))


def writer_lock_path(database: str | None) -> str | None:
    """The file other processes' writers queue on, for a database file; None for an in-memory database,
    which only this process can open."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{database}-writer.lock"


def queued_connection_class(timeout: float, lock_path: str | None = None) -> type[sqlite3.Connection]:
    """A sqlite3 connection class whose transactions, begun with begin_in_turn(), wait for each other
    on one lock (at most `timeout` seconds) and give it back however they end; with lock_path, also
    for other processes' transactions on the same file."""
    turn = threading.Lock()
    # thread_local=False: the pool may roll a connection back on another thread than the one that began.
    across = FileLock(lock_path, thread_local=False) if lock_path else None

    class QueuedConnection(sqlite3.Connection):
        holds_turn = False

        def take_turn(self) -> None:
            deadline = time.monotonic() + timeout
            if not turn.acquire(timeout=timeout):
                raise _locked()
            if across is not None:
                try:
                    across.acquire(timeout=max(0.0, deadline - time.monotonic()), poll_interval=_POLL)
                except FileLockTimeout:
                    turn.release()
                    raise _locked() from None
                except BaseException:
                    turn.release()
                    raise
            self.holds_turn = True

        def give_turn_back(self) -> None:
            # The pool also rolls back connections that began nothing (when returned, when first made).
            if self.holds_turn:
                self.holds_turn = False
                try:
                    if across is not None:
                        across.release()
                finally:
                    turn.release()

        # However a transaction ends, the turn goes back.
        commit = _then_give_turn_back(sqlite3.Connection.commit)
        rollback = _then_give_turn_back(sqlite3.Connection.rollback)
        close = _then_give_turn_back(sqlite3.Connection.close)

    return QueuedConnection


def _then_give_turn_back(end: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    def ended(self) -> None:
        try:
            end(self)
        finally:
            self.give_turn_back()

    return ended


def begin_in_turn(connection) -> None:
    """SQLAlchemy's "begin" event for an engine made with queued_connection_class(): wait for the turn,
    then BEGIN IMMEDIATE."""
    raw = connection.connection.dbapi_connection
    raw.take_turn()
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        raw.give_turn_back()
        raise
