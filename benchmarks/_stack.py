"""The running local stack (`idp up`) the benchmarks measure."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import psutil

from provisioner.runtime.stack import require_running
from provisioner.runtime.state import StateDir, read_stack, stack_secrets
from provisioner.settings import Settings


def local_stack():
    """(settings of the running stack, admin credentials, shared secrets); fails clearly if it is down."""
    settings = Settings.from_env()
    running, admin = require_running(settings)
    return running, admin, stack_secrets(StateDir(settings.state_dir))


def keycloak_process() -> psutil.Process:
    """The running stack's Keycloak (its launcher; cpu_seconds adds the JVM under it)."""
    return psutil.Process(read_stack(StateDir(Settings.from_env().state_dir))["keycloak_pid"])


# Keycloak's threads that answer HTTP requests (Quarkus's worker pool and Vert.x's event loops), by the
# names Linux shows (cut to 15 characters).
REQUEST_THREADS = ("executor-thread", "vert.x-eventloo")


def request_thread_times(process: psutil.Process) -> dict[tuple[int, int], float]:
    """CPU seconds so far of each of Keycloak's request threads, by process and thread id. Only those
    threads: without the JIT compiler, garbage collection and background timers, whose bursts land in one
    round or another and spread a small cost's rounds wide. What it leaves out (the garbage a request
    makes, collected later) is a real cost too: report both. psutil gives each thread's times but not
    its name, which Linux keeps in /proc."""
    times = {}
    for proc in [process, *process.children(recursive=True)]:
        for thread in proc.threads():
            try:
                name = Path(f"/proc/{proc.pid}/task/{thread.id}/comm").read_text()
            except OSError:  # the thread ended meanwhile
                continue
            if name.startswith(REQUEST_THREADS):
                times[(proc.pid, thread.id)] = thread.user_time + thread.system_time
    return times


def request_thread_cpu_between(before: dict[tuple[int, int], float], after: dict[tuple[int, int], float]) -> float:
    """The request threads' CPU seconds between two request_thread_times() snapshots, thread by thread.
    Quarkus retires idle workers and starts new ones: a sum over the threads alive at each end went
    negative when a busy thread ended between them (pairs of -3.4x in an `all` run). A thread that ended
    takes its last stretch with it (an undercount, small: it ended idle); one started since counts whole."""
    total = 0.0
    for key, seconds in after.items():
        earlier = before.get(key, 0.0)
        total += seconds - earlier if seconds >= earlier else seconds  # a reused id: a new thread
    return total


def summary(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"{label}: n={len(ordered)} median={statistics.median(ordered) * 1000:.1f} ms "
            f"p95={p95 * 1000:.1f} ms p99={p99 * 1000:.1f} ms max={ordered[-1] * 1000:.1f} ms")


def cpu_seconds(process: psutil.Process) -> float:
    """CPU seconds of a process and all its children (Keycloak: the launcher and its JVM; gunicorn: its
    master and workers)."""
    total = 0.0
    for proc in [process, *process.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def wait_until_quiet(process: psutil.Process, busy: float = 0.15, limit: float = 60.0) -> float:
    """Wait (at most `limit` seconds) until Keycloak uses under `busy` of a core over a second, so a
    benchmark does not measure the one before it (after 60 realms are deleted Keycloak stays busy a
    while, and the two cores are shared); returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before, at = cpu_seconds(process), time.monotonic()
        time.sleep(1.0)
        if (cpu_seconds(process) - before) / (time.monotonic() - at) < busy:
            break
    return time.monotonic() - started
