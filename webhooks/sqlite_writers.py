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
database (`<database>-writer.lock`, an flock polled every millisecond, where SQLite's own wait
sleeps up to 100 ms between tries). Under gunicorn's 4 workers on SQLite the intake's p99 was 57-80 ms
with SQLite's wait alone. The flock is taken on a descriptor each process opens once (_FileTurn), not
with the filelock package, which opens, stats and closes the file at every turn: 115 us a turn, about
8% of the service's CPU for one webhook event.

The lock lives in the connection class pysqlite makes connections of (its `factory` argument), so a
connection knows whether it holds it. A plain Lock with SQLite's own timeout, not an RLock: a thread
that begins a second transaction while its first is open waits, and fails after the timeout with
"database is locked", as it did before; and a pool that rolls a connection back on another thread (a
garbage-collected session) may give the lock back."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable

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


class _FileTurn:
    """An exclusive flock on one file, for the thread whose turn it is in this process (the process's
    threads queue on a Lock first, so one descriptor serves them all). flock belongs to the open file,
    which a forked child shares with its parent: a process that finds the descriptor opened by another
    pid opens its own."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd: int | None = None
        self._pid = 0

    def _descriptor(self) -> int:
        if self._fd is None or self._pid != os.getpid():
            if self._fd is not None:
                os.close(self._fd)  # the parent's: closing this copy leaves the parent's lock alone
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd

    def acquire(self, deadline: float) -> bool:
        """Take the lock, trying every _POLL seconds until time.monotonic() passes `deadline`; False
        if it did not come free by then."""
        descriptor = self._descriptor()
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(_POLL)

    def release(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            fcntl.flock(self._fd, fcntl.LOCK_UN)


def queued_connection_class(timeout: float, lock_path: str | None = None) -> type[sqlite3.Connection]:
    """A sqlite3 connection class whose transactions, begun with begin_in_turn(), wait for each other
    on one lock (at most `timeout` seconds) and give it back however they end; with lock_path, also
    for other processes' transactions on the same file."""
    turn = threading.Lock()
    # Not tied to a thread: the pool may roll a connection back on another thread than the one that began.
    across = _FileTurn(lock_path) if lock_path else None

    class QueuedConnection(sqlite3.Connection):
        holds_turn = False

        def take_turn(self) -> None:
            deadline = time.monotonic() + timeout
            if not turn.acquire(timeout=timeout):
                raise _locked()
            if across is not None:
                try:
                    taken = across.acquire(deadline)
                except BaseException:
                    turn.release()
                    raise
                if not taken:
                    turn.release()
                    raise _locked()
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
