"""The service on PostgreSQL (DATABASE_URL): migrations, event dedupe and phone codes work there too."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import inspect

from contract.onboarding import PhoneStep
from tests.support.postgres import running_postgres
from tests.unit.test_event_intake import SECRET, _delivery, _event
from webhooks import create_app
from webhooks.config import ServiceConfig


@pytest.fixture(scope="module")
def app():
    with running_postgres() as url:
        config = ServiceConfig(database_url=url, port=0, smtp_port=0, dev_inbox=True, webhook_secret=SECRET,
                               onboarding_secret="c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==")
        app = create_app(config, migrate=True)
        app.extensions["event_intake"].effects.clear()  # storage only here; no Keycloak behind this app
        yield app


def test_migrations_create_every_table(app):
    tables = set(inspect(app.extensions["db_engine"]).get_table_names())
    assert {"dev_messages", "processed_events", "reconcile_checkpoints", "onboarding_flows", "onboarding_steps",
            "one_time_codes", "phone_blocked_numbers", "limit_counters", "limit_cooldowns",
            "alembic_version"} <= tables


def test_events_are_processed_once(app):
    body, headers = _delivery(_event("pg-1"))
    client = app.test_client()
    assert client.post("/events/keycloak", data=body, headers=headers).status_code == 200
    assert client.post("/events/keycloak", data=body, headers=headers).status_code == 409
    assert [e["id"] for e in client.get("/dev/events").get_json()["events"]] == ["pg-1"]


def test_phone_codes_round_trip(app):
    phone = app.extensions["onboarding_steps"].get("phone")._phones
    policy = PhoneStep(kind="phone", allowed_countries=["RU"])
    phone.send_code(policy, "cloud", "u-pg", "+7 999 765-43-21", "127.0.0.1", lambda code: f"Code {code}")
    [message] = app.test_client().get("/dev/inbox/api/messages?to=%2B79997654321").get_json()["messages"]
    code = re.search(r"\d{4}", message["text"]).group(0)
    assert phone.verify(policy, "cloud", "u-pg", code) == "+79997654321"


def test_limits_hold_under_parallel_takes_on_postgres(app):
    from tests.unit.test_limits import parallel_cooldowns, parallel_takes

    sessions = app.extensions["db_sessions"]
    assert sorted(r for r in parallel_takes(sessions, limit=5, tries=30) if r is not None) == [1, 2, 3, 4, 5]
    assert parallel_cooldowns(sessions, tries=20).count(0) == 1


def test_the_migrations_build_exactly_the_models_on_postgres(app):
    from tests.unit.test_migrations import models_differ_from

    assert models_differ_from(app.extensions["db_engine"]) == []
