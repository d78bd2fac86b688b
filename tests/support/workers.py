"""A second service worker on the same database, and firing requests at both at once: what two
gunicorn workers or two hosts behind a load balancer would see."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests

from provisioner.runtime import processes
from provisioner.runtime.stack import service_env
from provisioner.runtime.state import StateDir
from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def second_worker(settings) -> Iterator[str]:
    """Another `python -m webhooks serve` process sharing the stack's database and secrets (with its own
    port and dev mail sink); yields its base URL."""
    state = StateDir(settings.state_dir)
    port = free_port()
    env = {**service_env(settings, state), "IDP_SERVICE_PORT": str(port), "IDP_SMTP_PORT": str(free_port())}
    log = state.logs / f"service-worker-{port}.log"
    with log.open("ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "webhooks", "serve"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        processes.wait_until(lambda: processes.http_ok(f"{url}/healthz"), proc.pid, "The second worker", log, 60)
        yield url
    finally:
        processes.stop(proc.pid, timeout=20)
        proc.wait(timeout=30)


def fire(requests_to_send: list[Callable[[], requests.Response]], threads: int = 10) -> list[requests.Response]:
    """Send every request at once (as far as threads allow) and return the responses in order."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda send: send(), requests_to_send))


def on_worker(url: str, own_base: str, worker_base: str) -> str:
    """The same URL on another worker."""
    return worker_base + url.removeprefix(own_base) if url.startswith(own_base) else url


def copy_session(session: requests.Session) -> requests.Session:
    """A new session with the same cookies (requests.Session is not made for sharing between threads)."""
    clone = requests.Session()
    clone.cookies = session.cookies.copy()
    return clone


