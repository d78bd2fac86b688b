"""Sign-ups through the hosted registration page: latency per sign-up (form load, then submit), and
the slowest submits with what the service was doing at the time (its JSON log: the REGISTER event
each sign-up sends, which opens the user's account through Keycloak's admin API).

Run with the stack up: .venv/bin/python -m benchmarks signup [count]
Uses the `cloud` tenant; each sign-up is a new throwaway address.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from benchmarks._stack import local_stack, summary
from tests.support.pages import Browser, Page


def _service_work(log: Path, since: datetime, until: datetime) -> list[str]:
    """The service's log lines between two moments (its JSON lines have a `time`)."""
    out = []
    for line in log.read_text(errors="replace").splitlines()[-5000:]:
        try:
            entry = json.loads(line)
            at = datetime.strptime(entry["time"], "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=UTC)
        except (ValueError, KeyError):
            continue
        if since <= at <= until and (entry.get("logger") != "idp.access" or entry.get("route") == "/events/keycloak"):
            out.append(f"{entry.get('logger')}: {entry.get('message')} {entry.get('route', '')}".strip())
    return out


def main(count: int) -> None:
    settings, _, _ = local_stack()
    forms, submits = [], []
    for _ in range(count):
        browser = Browser(settings.keycloak_url, "cloud", "cloud-console", "http://127.0.0.1:3100/auth/callback")
        started = time.perf_counter()
        form = browser.open_registration()
        loaded = time.perf_counter()
        at = datetime.now(UTC)
        email = f"bench-{uuid.uuid4().hex[:10]}@example.test"
        page = browser.submit(form, {"email": email, "password": "Sunny-Harbor7", "password-confirm": "Sunny-Harbor7",
                                     "firstName": "Test", "lastName": "User", "termsAccepted": "on"})
        done = time.perf_counter()
        assert isinstance(page, Page) and "verify your email" in page.text.lower()
        forms.append(loaded - started)
        submits.append((done - loaded, at, datetime.now(UTC)))
    print(summary("sign-up (registration page + submit)", [f + s for f, (s, _, _) in zip(forms, submits, strict=True)]))
    print(summary("  the form's page", forms))
    print(summary("  the submit (user, verification email, REGISTER event)", [s for s, _, _ in submits]))
    log = Path(settings.state_dir) / "logs" / "service.log"
    for seconds, since, until in sorted(submits, reverse=True)[:3]:
        work = _service_work(log, since, until) if log.exists() else []
        print(f"  slow submit {seconds * 1000:.0f} ms at {since:%H:%M:%S}: the service meanwhile: "
              f"{'; '.join(work[:6]) or 'nothing logged'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
