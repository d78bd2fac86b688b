"""Signed webhook deliveries per second into the running service, and how fast replays are refused.

Run with the stack up: .venv/bin/python -m benchmarks webhook_intake [events] [threads]
Also measures the password-login rate in the same run: the intake must take at least 20x the
logins that feed it, with p99 at most 30 ms.
Against `idp up` (one waitress process on SQLite) or `idp up --profile production` (gunicorn's
workers on PostgreSQL); it says which. Loopback only; every event is a fresh LOGIN id in the
`cloud` realm (LOGIN is never re-pulled, so the reconciler is not affected).
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from standardwebhooks import Webhook

from benchmarks._stack import local_stack, summary
from benchmarks.signin_cost import login_rate
from provisioner.runtime.state import StateDir, read_stack


def main(events: int, threads: int) -> None:
    settings, _, secrets = local_stack()
    service = urllib.parse.urlsplit(settings.service_url)
    signer = Webhook(secrets.webhook_secret)
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
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        first = list(pool.map(deliver, deliveries))
    elapsed = time.perf_counter() - started
    with ThreadPoolExecutor(threads) as pool:
        replays = list(pool.map(deliver, deliveries[: max(1, events // 4)]))
    profile = (read_stack(StateDir(settings.state_dir)) or {}).get("profile", "dev")
    server = ("waitress, one process, SQLite" if profile == "dev"
              else f"gunicorn, {settings.service_workers} workers x 4 threads, PostgreSQL")
    print(f"profile {profile} ({server})")
    print(f"{events} signed deliveries with {threads} threads: {events / elapsed:.0f} events/s "
          f"(statuses {sorted({s for _, s in first})})")
    print(summary("delivery latency", [t for t, _ in first]))
    print(summary("replay refused (409)", [t for t, s in replays if s == 409]))
    logins = login_rate()
    ordered = sorted(t for t, _ in first)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    print(f"password logins in the same run: {logins:.1f}/s; intake / login rate: {events / elapsed / logins:.1f}x "
          f"(target >= 20x); p99 {p99:.1f} ms (target <= 30 ms)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, int(sys.argv[2]) if len(sys.argv) > 2 else 4)
