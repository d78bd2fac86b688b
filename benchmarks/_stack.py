"""The running local stack (`idp up`) the benchmarks measure."""

from __future__ import annotations

import statistics

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


def summary(label: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"{label}: n={len(ordered)} median={statistics.median(ordered) * 1000:.1f} ms "
            f"p95={p95 * 1000:.1f} ms p99={p99 * 1000:.1f} ms max={ordered[-1] * 1000:.1f} ms")


def cpu_seconds(process: psutil.Process) -> float:
    """CPU seconds of Keycloak: the launcher and its JVM."""
    total = 0.0
    for proc in [process, *process.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total
