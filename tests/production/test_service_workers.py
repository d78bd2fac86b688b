"""The service under gunicorn, several workers on PostgreSQL, behaves as the single process does:
concurrent requests spread over the workers, and event dedupe, code attempts and the resend
cooldown still hold exactly."""

from __future__ import annotations

import uuid
from collections import Counter

import requests

from tests.security.test_limits_under_concurrency import (
    _errors,
    _in_wizard,
    _post,
    _sent,
    phone_tenant,
    wrong_codes_spend_exactly_the_attempts,
)
from tests.support.onboarding import random_ru_mobile
from tests.support.workers import fire
from tests.unit.test_event_intake import _delivery


def _served_by(production, marker: str) -> Counter:
    """How many requests whose line contains marker each gunicorn worker (pid) served."""
    log = (production.settings.state_dir / "logs" / "service-access.log").read_text()
    return Counter(line.split(" ", 1)[0] for line in log.splitlines() if marker in line)


def test_one_event_delivered_many_times_at_once_is_processed_once(production):
    event = {"id": f"dup-{uuid.uuid4().hex}", "kind": "user", "type": "LOGIN", "time": 1700000000000,
             "realm": f"t-none-{uuid.uuid4().hex[:6]}", "userId": "u-1", "details": {}}
    body, headers = _delivery(event, production.secrets.webhook_secret)
    url = f"{production.settings.service_url}/events/keycloak"
    responses = fire([lambda: requests.post(url, data=body, headers=headers, timeout=60) for _ in range(40)],
                     threads=20)
    codes = Counter(r.status_code for r in responses)
    assert codes == {200: 1, 409: 39}, codes
    listed = requests.get(f"{production.settings.service_url}/dev/events", timeout=30).json()["events"]
    assert [e["id"] for e in listed].count(event["id"]) == 1
    workers = _served_by(production, "POST /events/keycloak")
    assert len(workers) >= 2, f"the deliveries reached more than one worker: {workers}"


def test_parallel_wrong_codes_on_several_workers_spend_exactly_the_attempts(production, make_production_tenant,
                                                                           production_admin):
    service = production.settings.service_url  # gunicorn's workers share this one port
    wrong_codes_spend_exactly_the_attempts(phone_tenant(make_production_tenant, attempts_per_code=5),
                                           production_admin, production.inbox, service, [service])


def test_parallel_sends_on_several_workers_send_one_code(production, make_production_tenant, production_admin):
    tenant = phone_tenant(make_production_tenant)
    browser, page = _in_wizard(tenant, production_admin)
    number = random_ru_mobile()
    service = production.settings.service_url
    responses = fire([_post(browser, page, "phone-form", {"phone": number}, service, service) for _ in range(8)])
    assert _sent(responses) == 1 and all("Please wait" in e for e in _errors(responses))
    assert len(production.inbox.messages(number)) == 1
