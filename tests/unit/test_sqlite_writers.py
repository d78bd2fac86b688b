"""The service's SQLite writers queue on a lock in the process and, across processes, on a file beside
the database (webhooks/sqlite_writers.py): each one still gets its turn, and a transaction that ends in
any way gives the turn back."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from webhooks.db import make_engine
from webhooks.sqlite_writers import _FileTurn, begin_in_turn, queued_connection_class, writer_lock_path


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


_WRITER = """
import sys
from concurrent.futures import ThreadPoolExecutor
from sqlalchemy import text
from webhooks.db import make_engine
engine = make_engine(sys.argv[1])
def write(_):
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO hits VALUES (1)"))
with ThreadPoolExecutor(4) as pool:
    list(pool.map(write, range(int(sys.argv[2]))))
"""


def test_several_processes_writing_at_once_all_get_through(engine, tmp_path):
    url = str(engine.url)
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, url, "100"], stderr=subprocess.PIPE, text=True)
               for _ in range(3)]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    assert _count(engine) == 300
    assert (tmp_path / "service.db-writer.lock").exists(), "the processes queued on the file beside the database"


def test_a_writer_waits_for_another_process_turn_and_fails_after_the_timeout(tmp_path):
    database = tmp_path / "x.db"
    lock_path = writer_lock_path(str(database))
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys\nfd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\nsys.stdin.readline()\n"
         "fcntl.flock(fd, fcntl.LOCK_UN)", lock_path],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        engine = create_engine(f"sqlite:///{database}", connect_args={
            "check_same_thread": False, "isolation_level": None,
            "factory": queued_connection_class(timeout=0.3, lock_path=lock_path)})
        event.listen(engine, "begin", begin_in_turn)
        # SQLite itself is free: only the other process's turn holds this writer back.
        with pytest.raises(OperationalError, match="database is locked"), engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (n INTEGER)"))
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
        with engine.begin() as connection:  # its turn given back, the next writer goes
            connection.execute(text("CREATE TABLE t (n INTEGER)"))
        engine.dispose()
    finally:
        holder.kill()
        holder.wait()


def test_an_in_memory_database_has_no_file_to_queue_on():
    assert writer_lock_path(":memory:") is None
    assert writer_lock_path(None) is None
    assert writer_lock_path("/srv/idp/service.db") == "/srv/idp/service.db-writer.lock"


def test_a_forked_worker_waits_for_its_parents_turn_instead_of_sharing_it(tmp_path):
    # gunicorn forks its workers: a descriptor inherited from the parent shares the parent's flock,
    # so a child that used it would write beside the parent instead of after it.
    turn = _FileTurn(str(tmp_path / "x.db-writer.lock"))
    assert turn.acquire(time.monotonic())
    forked = multiprocessing.get_context("fork")
    answers = forked.Queue()

    def child() -> None:
        answers.put(turn.acquire(time.monotonic() + 0.3))

    worker = forked.Process(target=child)
    worker.start()
    worker.join(timeout=30)
    assert answers.get(timeout=5) is False, "the child took the turn its parent holds"
    turn.release()
    worker = forked.Process(target=child)
    worker.start()
    worker.join(timeout=30)
    assert answers.get(timeout=5) is True, "the parent gave its turn back, the child takes it"
    assert turn.acquire(time.monotonic() + 5), "the child's turn ended with the child"
