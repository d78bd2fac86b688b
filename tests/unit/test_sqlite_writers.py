"""The service's SQLite writers queue on a lock in the process (webhooks/sqlite_writers.py): each one
still gets its turn, and a transaction that ends in any way gives the turn back."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from webhooks.db import make_engine
from webhooks.sqlite_writers import begin_in_turn, queued_connection_class


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'service.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE hits (n INTEGER)"))
    yield engine
    engine.dispose()


def _count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM hits")).scalar_one()


def test_many_threads_writing_at_once_all_get_through(engine):
    def write(_: int) -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO hits VALUES (1)"))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(400)))
    assert _count(engine) == 400


def test_a_transaction_that_fails_or_whose_connection_breaks_lets_the_next_one_in(engine):
    with pytest.raises(ZeroDivisionError), engine.begin() as connection:
        connection.execute(text("INSERT INTO hits VALUES (1)"))
        raise ZeroDivisionError
    connection = engine.connect()
    connection.execute(text("INSERT INTO hits VALUES (1)"))
    connection.invalidate()  # the pool closes it, mid-transaction
    connection.close()
    done = threading.Event()

    def write() -> None:
        with engine.begin() as other:
            other.execute(text("INSERT INTO hits VALUES (1)"))
        done.set()

    threading.Thread(target=write, daemon=True).start()
    assert done.wait(5), "a transaction that ended by an error or a broken connection still held the lock"
    assert _count(engine) == 1, "the failed and the broken transactions wrote nothing"


def test_a_second_transaction_on_the_same_thread_fails_after_the_timeout_as_sqlite_would(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}", connect_args={
        "check_same_thread": False, "isolation_level": None, "factory": queued_connection_class(timeout=0.2)})
    event.listen(engine, "begin", begin_in_turn)
    with engine.begin() as first:
        first.execute(text("CREATE TABLE t (n INTEGER)"))
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"), engine.begin() as second:
            second.execute(text("SELECT 1"))
        assert time.monotonic() - started < 5
    with engine.begin() as after:  # the first one's commit gave the lock back
        after.execute(text("INSERT INTO t VALUES (1)"))
    engine.dispose()
