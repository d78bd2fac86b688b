"""Signed webhook deliveries per second into the running service, and how fast replays are refused.

Run with the stack up: .venv/bin/python -m benchmarks webhook_intake [events] [threads]
Also measures the password-login rate in the same run: the intake must take at least 20x the
logins that feed it, with p99 at most 30 ms.
Against `idp up`: its service (one waitress process on SQLite), then the production server (gunicorn's
workers, as `idp up --profile production` starts them) on the same SQLite database, started on a free
port for the run. Against `idp up --profile production`: gunicorn's workers on PostgreSQL. Loopback
only; every event is a fresh LOGIN id in the `cloud` realm (LOGIN is never re-pulled, so the
reconciler is not affected).
"""

from __future__ import annotations

import http.client
import json
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime

import psutil
from standardwebhooks import Webhook

from benchmarks._stack import cpu_seconds, local_stack, summary
from benchmarks.signin_cost import login_rate
from provisioner.runtime import processes
from provisioner.runtime.production import GUNICORN_THREADS, gunicorn_command
from provisioner.runtime.stack import service_env
from provisioner.runtime.state import StateDir, read_stack
from provisioner.settings import Settings
from tests.support.net import free_port


def main(events: int, threads: int) -> None:
    settings, _, secrets = local_stack()
    signer = Webhook(secrets.webhook_secret)
    running = read_stack(StateDir(settings.state_dir)) or {}
    profile = running.get("profile", "dev")
    service = psutil.Process(running["service_pid"])
    workers = f"gunicorn, {settings.service_workers} workers x {GUNICORN_THREADS} threads"
    print(f"profile {profile}")
    rates = {}
    if profile == "dev":
        rates["waitress, one process, SQLite"] = _measure(settings.service_url, signer, events, threads, service)
        # The production server on SQLite too: gunicorn's workers, as `--profile production` starts
        # them, on the dev stack's database beside the running service, for the length of the run.
        with _gunicorn_on_sqlite(settings) as (url, gunicorn):
            rates[f"{workers}, SQLite"] = _measure(url, signer, events, threads, gunicorn)
    else:
        rates[f"{workers}, PostgreSQL"] = _measure(settings.service_url, signer, events, threads, service)
    logins = login_rate()
    print(f"password logins in the same run: {logins:.1f}/s")
    for server, (rate, p99) in rates.items():
        print(f"{server}: {rate:.0f} events/s, intake / login rate {rate / logins:.1f}x (target >= 20x); "
              f"p99 {p99:.1f} ms (target <= 30 ms)")


def _measure(url: str, signer: Webhook, events: int, threads: int, server: psutil.Process) -> tuple[float, float]:
    """Deliver `events` fresh signed events, then replay a quarter of them; returns (events/s, p99 ms).
    Also prints the CPU per event of the server's processes (`server` and its children; a database
    server's own processes are not among them)."""
    service = urllib.parse.urlsplit(url)
    local = threading.local()  # one connection per client thread, kept alive

    def signed(event_id: str) -> tuple[bytes, dict[str, str]]:
        body = json.dumps({"id": event_id, "kind": "user", "type": "LOGIN", "realm": "cloud",
                           "userId": "bench", "time": int(time.time() * 1000)})
        now = datetime.now(UTC)
        return body.encode(), {"webhook-id": event_id, "webhook-timestamp": str(int(now.timestamp())),
                               "webhook-signature": signer.sign(event_id, now, body),
                               "Content-Type": "application/json"}

    def deliver(delivery: tuple[bytes, dict[str, str]]) -> tuple[float, int]:
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection(service.hostname, service.port, timeout=10)
        started = time.perf_counter()
        local.connection.request("POST", "/events/keycloak", body=delivery[0], headers=delivery[1])
        answer = local.connection.getresponse()
        answer.read()
        return time.perf_counter() - started, answer.status

    # Signed before the clock starts (well inside the 5 minutes' tolerance), and sent with http.client:
    # what is measured is the service, and on two cores the client's own signing and requests' per-call
    # work took CPU the service then lacked (Keycloak signs in its own process, measured in signin_cost).
    deliveries = [signed(f"bench-{uuid.uuid4()}") for _ in range(events)]
    started, cpu_before = time.perf_counter(), cpu_seconds(server)
    with ThreadPoolExecutor(threads) as pool:
        first = list(pool.map(deliver, deliveries))
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(server) - cpu_before
    with ThreadPoolExecutor(threads) as pool:
        replays = list(pool.map(deliver, deliveries[: max(1, events // 4)]))
    print(f"{url}: {events} signed deliveries with {threads} threads: {events / elapsed:.0f} events/s "
          f"(statuses {sorted({s for _, s in first})}); the server's CPU: {cpu / events * 1000:.2f} ms per event")
    print(summary("  delivery latency", [t for t, _ in first]))
    print(summary("  replay refused (409)", [t for t, s in replays if s == 409]))
    ordered = sorted(t for t, _ in first)
    return events / elapsed, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


@contextmanager
def _gunicorn_on_sqlite(settings: Settings) -> Iterator[tuple[str, psutil.Process]]:
    """gunicorn serving the dev stack's service database on a free loopback port (its URL and its master
    process); stopped on exit."""
    state = StateDir(settings.state_dir)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    metrics = tempfile.TemporaryDirectory(prefix="bench-metrics-")
    env = {**service_env(settings, state), "IDP_SERVICE_PORT": str(port), "IDP_SERVICE_PUBLIC_URL": url,
           "PROMETHEUS_MULTIPROC_DIR": metrics.name}
    log = state.logs / "bench-gunicorn.log"
    pid = processes.spawn(gunicorn_command(settings, port, state.logs / "bench-gunicorn-access.log"), env, log,
                          settings.home)
    try:
        processes.wait_until(lambda: processes.http_ok(f"{url}/healthz"), pid, "gunicorn on SQLite", log, 60)
        yield url, psutil.Process(pid)
    finally:
        processes.stop(pid, timeout=30)
        metrics.cleanup()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, int(sys.argv[2]) if len(sys.argv) > 2 else 4)
