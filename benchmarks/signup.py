"""Sign-ups through the hosted registration page: latency per sign-up (form load + submit).

Run with the stack up: .venv/bin/python -m benchmarks signup [count]
Uses the `cloud` tenant; each sign-up is a new throwaway address.
"""

from __future__ import annotations

import sys
import time
import uuid

from benchmarks._stack import local_stack, summary
from tests.support.pages import Browser, Page


def main(count: int) -> None:
    settings, _, _ = local_stack()
    durations = []
    for _ in range(count):
        browser = Browser(settings.keycloak_url, "cloud", "cloud-console", "http://127.0.0.1:3100/auth/callback")
        started = time.perf_counter()
        page = browser.register(f"bench-{uuid.uuid4().hex[:10]}@example.test", "Sunny-Harbor7")
        durations.append(time.perf_counter() - started)
        assert isinstance(page, Page) and "verify your email" in page.text.lower()
    print(summary("sign-up (registration page + submit)", durations))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
