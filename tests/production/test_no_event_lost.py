"""No event lost (bounded load test, loopback only): users register and verify their email through
both Keycloak nodes while the service's HTTP (gunicorn) is killed once and node 2 is killed once with
deliveries in flight. Afterwards every REGISTER and VERIFY_EMAIL has been processed exactly once, by
push or by the reconciler's pull from Keycloak's event store in the shared database."""

from __future__ import annotations

import time
import uuid
from collections import Counter

import requests
from rich.console import Console

from provisioner.runtime import postgres, processes
from provisioner.runtime import production as profile
from provisioner.runtime.stack import install
from provisioner.runtime.state import StateDir, read_stack, write_stack
from tests.support.inbox import first_link
from tests.support.pages import Browser
from tests.support.production import kill

USERS = 12
PASSWORD = "Sunny-Harbor7"


class NodeSession(requests.Session):
    """A browser pinned to one node: every URL under the public one (node 1) goes to `base` instead."""

    def __init__(self, public: str, base: str) -> None:
        super().__init__()
        self.public, self.base = public, base

    def request(self, method, url, *args, **kwargs):
        return super().request(method, url.replace(self.public, self.base, 1), *args, **kwargs)


def _browser(production, tenant, base: str) -> Browser:
    browser = Browser(base, tenant.realm, tenant.client.client_id, tenant.client.redirect_uris[0])
    cookies = browser.session.cookies
    browser.session = NodeSession(production.keycloak_url, base)
    browser.session.cookies = cookies
    return browser


def _server(production) -> postgres.PostgresServer:
    state = StateDir(production.settings.state_dir)
    return postgres.PostgresServer(state.data / "postgres", production.settings.postgres_port,
                                   postgres.passwords(state.root))


def _restart(production, key: str, start) -> None:
    state = StateDir(production.settings.state_dir)
    info = read_stack(state)
    info[key] = start()
    write_stack(state, info)


def _node_two_running(production) -> None:
    """Node 2 (killed by an earlier test, perhaps) started again and in the cluster."""
    if processes.pid_alive(read_stack(StateDir(production.settings.state_dir)).get("keycloak_2_pid")):
        return
    quiet = Console(quiet=True)
    installation = install(production.settings, quiet, postgres=True)
    node = profile.nodes(production.settings, 2)[1]
    _restart(production, node.pid_key,
             lambda: profile.start_keycloak_node(production.settings, installation, _server(production), node, quiet))


def _events(production, realm: str, type_: str) -> list[dict]:
    return requests.get(f"{production.settings.service_url}/dev/events",
                        params={"realm": realm, "type": type_, "limit": 1000}, timeout=30).json()["events"]


def test_every_registration_and_verification_is_processed_exactly_once(production, make_production_tenant,
                                                                       production_admin):
    _node_two_running(production)
    tenant = make_production_tenant("cloud", onboarding={"enforce": "actions", "steps": []})
    one, two = production.keycloak_url, production.node_two_url
    emails = [f"load-{i}-{uuid.uuid4().hex[:6]}@example.test" for i in range(USERS)]
    browsers = {}

    def register(i: int, node: str) -> None:
        browsers[i] = _browser(production, tenant, node)
        page = browsers[i].register(emails[i], PASSWORD)
        assert "verify your email" in page.text.lower(), page.text[:300]

    def verify(i: int) -> None:
        [message] = production.inbox.wait_for(emails[i], timeout=60)
        assert isinstance(browsers[i].follow(first_link(message, "action-token")), str)

    for i in range(0, 3):  # everything up
        register(i, one if i % 2 else two)
        verify(i)
    state = StateDir(production.settings.state_dir)
    kill(read_stack(state)["service_pid"])  # the service's HTTP dies: pushes fail, Keycloak retries
    for i in range(3, 6):
        register(i, one if i % 2 else two)
    quiet = Console(quiet=True)
    _restart(production, "service_pid", lambda: profile.start_gunicorn(production.settings, _server(production), quiet))
    for i in range(3, 6):
        verify(i)
    for i in range(6, 9):  # node 2 dies right after these, its pending deliveries with it
        register(i, two)
        verify(i)
    kill(read_stack(state)["keycloak_2_pid"])
    for i in range(9, USERS):
        register(i, one)
        verify(i)

    production_admin.change_current_realm(tenant.realm)
    ids = {production_admin.get_user_id(email) for email in emails}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        events = {t: _events(production, tenant.realm, t) for t in ("REGISTER", "VERIFY_EMAIL")}
        registered, verified = (Counter(e["userId"] for e in events[t]) for t in ("REGISTER", "VERIFY_EMAIL"))
        if set(registered) >= ids and set(verified) >= ids:
            break
        time.sleep(1)
    for kind, found in events.items():
        via = Counter(e["via"] for e in found)
        print(f"\n{USERS} users, {kind}: processed {len(found)} times for {len({e['userId'] for e in found})} users "
              f"(by push {via['push']}, by pull {via['pull']})", end="")
    assert {u: registered[u] for u in ids} == dict.fromkeys(ids, 1), registered
    assert {u: verified[u] for u in ids} == dict.fromkeys(ids, 1), verified
