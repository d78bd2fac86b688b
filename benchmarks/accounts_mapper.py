"""What the `accounts` claim costs per token: refresh-token grants for a user with 5 memberships (each
with an account role and a project role), with the accounts mapper on the relying app's client and
without it (a twin of the app's client made for the run, identical but for that mapper: no
configuration changes while measuring), same realm, same Keycloak process, same run. After a long
warm-up (the JIT's, which otherwise dominates), pairs of rounds alternate their order so a drift
cancels; the ratio is the median of the pairs' ratios. Reports Keycloak's own CPU time per token (the process
and its children, from psutil), the same for its request threads alone (whose pairs spread far less), and
the latency.

Run with the stack up: .venv/bin/python -m benchmarks accounts_mapper [pairs=10] [tokens-per-round=400]
Uses the `cloud` tenant; the throwaway user and accounts are removed at the end.
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid

import psutil
import requests

from benchmarks._stack import (
    cpu_seconds,
    keycloak_process,
    local_stack,
    request_thread_cpu_between,
    request_thread_times,
)
from contract.names import ACCOUNT_ROLES_GROUP, PROJECTS_GROUP
from provisioner.admin_api import connect
from tests.support.oidc import exchange_code
from tests.support.pages import Browser
from webhooks.accounts.keycloak_store import KeycloakAccounts
from webhooks.accounts.numbers import new_number
from webhooks.keycloak_gateway import KeycloakGateway

REALM, CLIENT, REDIRECT = "cloud", "cloud-console", "http://127.0.0.1:3100/auth/callback"
TWIN = "bench-no-accounts-mapper"
PASSWORD = "Sunny-Harbor7"
MEMBERSHIPS = 5
WARM_UP = 400


def _round(process: psutil.Process, token_url: str, client: str, refresh_token: str,
           count: int) -> tuple[float, float, list[float]]:
    """CPU seconds per token (the whole process, and its request threads alone) and each grant's latency."""
    session = requests.Session()
    body = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client}
    latencies = []
    before, before_requests = cpu_seconds(process), request_thread_times(process)
    for _ in range(count):
        started = time.perf_counter()
        session.post(token_url, data=body, timeout=30).raise_for_status()
        latencies.append(time.perf_counter() - started)
    requests_cpu = request_thread_cpu_between(before_requests, request_thread_times(process))
    return (cpu_seconds(process) - before) / count, requests_cpu / count, latencies


def main(rounds: int, count: int) -> None:
    settings, credentials, secrets = local_stack()
    admin = connect(settings.keycloak_url, credentials.username, credentials.password)
    admin.change_current_realm(REALM)
    store = KeycloakAccounts(KeycloakGateway(settings.keycloak_url, "idp-service", secrets.service_client_secret))
    email = f"bench-mapper-{uuid.uuid4().hex[:8]}@example.test"
    user_id = admin.create_user({"username": email, "email": email, "emailVerified": True, "enabled": True,
                                 "firstName": "Bench", "lastName": "Mark",
                                 "attributes": {"onboardingCompleted": ["true"]},
                                 "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}]})
    orgs = []
    twin = {k: v for k, v in admin.get_client(admin.get_client_id(CLIENT)).items() if k not in ("id", "secret")}
    twin["clientId"] = twin["name"] = TWIN
    twin["protocolMappers"] = [{k: v for k, v in m.items() if k != "id"} for m in twin.get("protocolMappers", [])
                               if m["name"] != "accounts"]
    twin_id = admin.create_client(twin)
    try:
        for i in range(MEMBERSHIPS):
            org = store.create(REALM, new_number(8), f"Bench {i}")
            orgs.append(org)
            store.add_member(REALM, org, user_id)
            store.join(REALM, org, store.group(REALM, org, [ACCOUNT_ROLES_GROUP, "owner"]), user_id)
            store.join(REALM, org, store.group(REALM, org, [PROJECTS_GROUP, "Default project", "project-admin"]),
                       user_id)
        refresh = {}
        for variant, client in (("with", CLIENT), ("without", TWIN)):
            browser = Browser(settings.keycloak_url, REALM, client, REDIRECT)
            refresh[variant] = (client, exchange_code(browser, browser.login(email, PASSWORD))["refresh_token"])
        token_url = f"{settings.keycloak_url}/realms/{REALM}/protocol/openid-connect/token"
        process = keycloak_process()
        cpu: dict[str, list[float]] = {"with": [], "without": []}
        latency: dict[str, list[float]] = {"with": [], "without": []}
        for variant in ("with", "without"):
            _round(process, token_url, *refresh[variant], WARM_UP)

        def measure(variant: str) -> tuple[float, float]:
            per_token, per_token_requests, seconds = _round(process, token_url, *refresh[variant], count)
            cpu[variant].append(per_token)
            latency[variant] += seconds
            return per_token, per_token_requests

        ratios: list[float] = []
        request_ratios: list[float] = []
        for pair in range(rounds):
            order = ("with", "without") if pair % 2 == 0 else ("without", "with")
            result = {variant: measure(variant) for variant in order}
            ratios.append(result["with"][0] / result["without"][0])
            request_ratios.append(result["with"][1] / result["without"][1])
        for variant in ("with", "without"):
            ordered = sorted(latency[variant])
            median_cpu = statistics.median(cpu[variant]) * 1000
            print(f"{variant:>7} the accounts mapper: Keycloak CPU {median_cpu:.2f} ms/token; latency median "
                  f"{statistics.median(ordered) * 1000:.1f} ms, p95 {ordered[int(len(ordered) * 0.95)] * 1000:.1f} ms")
        print(f"ratio (with / without), Keycloak CPU per token, {MEMBERSHIPS} memberships, median of {rounds} pairs "
              f"of {count} refreshes: {statistics.median(ratios):.3f}x (pairs: "
              f"{', '.join(f'{r:.2f}' for r in ratios)}) (target <= 1.05x)")
        print(f"  its request threads alone (no JIT, garbage collection or timers): "
              f"{statistics.median(request_ratios):.3f}x (pairs: {', '.join(f'{r:.2f}' for r in request_ratios)}) "
              f"(target <= 1.05x)")
    finally:
        admin.delete_client(twin_id)
        for org in orgs:
            admin.connection.raw_delete(f"admin/realms/{REALM}/organizations/{org}")
        admin.delete_user(user_id)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10, int(sys.argv[2]) if len(sys.argv) > 2 else 400)
