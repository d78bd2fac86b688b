"""Webhook intake: only correctly signed, fresh, first-time deliveries are processed."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from webhooks import create_app
from webhooks.config import ServiceConfig

SECRET = "whsec_" + base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def app(tmp_path):
    app = create_app(ServiceConfig(database_url=f"sqlite:///{tmp_path / 's.db'}", port=0, smtp_port=0,
                                   dev_inbox=True, webhook_secret=SECRET), migrate=True)
    # Intake alone: REGISTER's accounts effect talks to Keycloak (tests/integration/test_accounts.py).
    app.extensions["event_intake"].effects.clear()
    return app


def _event(event_id: str = "e-1", type_: str = "REGISTER") -> dict:
    return {"id": event_id, "kind": "user", "type": type_, "time": 1700000000000, "realm": "cloud",
            "userId": "u-1", "details": {"email": "a@example.test"}}


def _delivery(event: dict, secret: str = SECRET, when: datetime | None = None) -> tuple[bytes, dict]:
    body = json.dumps(event)
    when = when or datetime.now(UTC)
    signature = Webhook(secret).sign(event["id"], when, body)
    return body.encode(), {"webhook-id": event["id"], "webhook-timestamp": str(int(when.timestamp())),
                           "webhook-signature": signature, "Content-Type": "application/json"}


def _processed(app) -> list[str]:
    return [e["id"] for e in app.test_client().get("/dev/events").get_json()["events"]]


def test_a_signed_delivery_is_processed_once(app):
    body, headers = _delivery(_event())
    response = app.test_client().post("/events/keycloak", data=body, headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "processed"
    assert _processed(app) == ["e-1"]


def test_a_replayed_delivery_is_refused_and_changes_nothing(app):
    body, headers = _delivery(_event())
    client = app.test_client()
    assert client.post("/events/keycloak", data=body, headers=headers).status_code == 200
    replay = client.post("/events/keycloak", data=body, headers=headers)
    assert replay.status_code == 409 and replay.get_json()["error"] == "duplicate_event"
    assert _processed(app) == ["e-1"]


def test_a_forged_signature_is_refused_and_nothing_recorded(app):
    forged = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    body, headers = _delivery(_event(), secret=forged)
    response = app.test_client().post("/events/keycloak", data=body, headers=headers)
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_signature"
    assert _processed(app) == []


def test_a_tampered_body_is_refused(app):
    body, headers = _delivery(_event())
    tampered = body.replace(b'"u-1"', b'"u-2"')
    assert app.test_client().post("/events/keycloak", data=tampered, headers=headers).status_code == 401
    assert _processed(app) == []


def test_a_stale_delivery_is_refused(app):
    body, headers = _delivery(_event(), when=datetime.now(UTC) - timedelta(minutes=10))
    response = app.test_client().post("/events/keycloak", data=body, headers=headers)
    assert response.status_code == 401 and "too old" in response.get_json()["message"].lower()
    assert _processed(app) == []


def test_an_unsigned_delivery_is_refused(app):
    response = app.test_client().post("/events/keycloak", json=_event())
    assert response.status_code == 401
    assert _processed(app) == []


def test_without_a_secret_the_service_accepts_nothing(tmp_path):
    app = create_app(ServiceConfig(database_url=f"sqlite:///{tmp_path / 's.db'}", port=0, smtp_port=0,
                                   dev_inbox=True, webhook_secret=""), migrate=True)
    body, headers = _delivery(_event())
    assert app.test_client().post("/events/keycloak", data=body, headers=headers).status_code == 401


@pytest.mark.parametrize("event", [
    {"id": "d-1", "kind": "user", "type": "DELETE_ACCOUNT", "realm": "cloud", "userId": "u-1", "time": 1},
    {"id": "d-2", "kind": "admin", "type": "USER.DELETE", "realm": "cloud", "resourcePath": "users/u-1", "time": 1},
])
def test_a_deleted_account_frees_its_phone_number(app, event):
    from datetime import UTC, datetime

    from webhooks.code_store import OneTimeCode

    now = datetime.now(UTC)
    with app.extensions["db_sessions"].begin() as session:
        for user in ("u-1", "u-2"):
            session.add(OneTimeCode(id=f"v-{user}", realm="cloud", user_id=user, purpose="phone",
                                    target="+79990000000", country="RU", channel="sms", code_hash="x" * 64,
                                    sent_at=now, expires_at=now, attempts_left=0, verified_at=now))
    body, headers = _delivery(event)
    assert app.test_client().post("/events/keycloak", data=body, headers=headers).status_code == 200
    with app.extensions["db_sessions"]() as session:
        assert [v.user_id for v in session.query(OneTimeCode)] == ["u-2"]


def test_an_effect_that_fails_leaves_the_event_for_a_retry(app):
    from webhooks.keycloak_gateway import KeycloakUnavailable

    calls = []

    def effect(event: dict) -> None:
        calls.append(event["id"])
        if len(calls) == 1:
            raise KeycloakUnavailable("Keycloak is restarting")

    app.extensions["event_intake"].effects["REGISTER"] = effect
    body, headers = _delivery(_event("e-effect"))
    first = app.test_client().post("/events/keycloak", data=body, headers=headers)
    assert first.status_code == 503 and _processed(app) == [], "not marked processed: Keycloak will retry"
    body, headers = _delivery(_event("e-effect"))
    assert app.test_client().post("/events/keycloak", data=body, headers=headers).status_code == 200
    assert _processed(app) == ["e-effect"] and calls == ["e-effect", "e-effect"]
    body, headers = _delivery(_event("e-effect"))
    assert app.test_client().post("/events/keycloak", data=body, headers=headers).status_code == 409
    assert calls == ["e-effect", "e-effect"], "a replay runs no effect"


def test_every_event_type_the_service_acts_on_is_also_pulled(tmp_path):
    """A push lost with Keycloak (a node stopped with deliveries pending in memory) is made good by the
    reconciler, which reads Keycloak's event store: so it must pull every type the service acts on."""
    from webhooks.events.reconciler import PULLED_ADMIN, PULLED_TYPES

    app = create_app(ServiceConfig(database_url=f"sqlite:///{tmp_path / 's.db'}", port=0, smtp_port=0,
                                   dev_inbox=True, webhook_secret=SECRET), migrate=True)
    intake = app.extensions["event_intake"]
    acted_on = set(intake.handlers) | set(intake.effects)
    pulled = set(PULLED_TYPES) | {f"{r}.{o}" for r in PULLED_ADMIN[0] for o in PULLED_ADMIN[1]}
    assert acted_on and acted_on <= pulled, acted_on - pulled


class _Keycloak:
    """Keycloak as the reconciler sees it: which realms exist, and how often it was asked."""

    def __init__(self) -> None:
        self.existing: set[str] = set()
        self.asked = 0

    def realm_exists(self, realm: str, fresh: bool = False) -> bool:
        self.asked += 1
        return realm in self.existing

    def stored_events(self, realm, since, types):
        return []

    def stored_admin_events(self, realm, since, resource_types, operations):
        return []


def test_a_deleted_realm_is_not_read_again_until_one_of_its_events_arrives(app):
    from webhooks.events.reconciler import Reconciler

    keycloak = _Keycloak()
    reconciler = Reconciler(keycloak, app.extensions["event_intake"], lambda: {"cloud"})
    reconciler.run_once()
    assert keycloak.asked == 1 and reconciler.gone == {"cloud"}
    for _ in range(3):
        reconciler.run_once()
    assert keycloak.asked == 1, "a deleted realm costs nothing at each pass"

    keycloak.existing.add("cloud")  # created anew under the same name: its first event is pushed
    body, headers = _delivery(_event("e-new"))
    assert app.test_client().post("/events/keycloak", data=body, headers=headers).status_code == 200
    reconciler.run_once()
    assert keycloak.asked == 2 and reconciler.gone == set()


def test_a_delivery_opens_no_cookie_session_while_pages_still_get_theirs(app):
    client = app.test_client()
    page = client.get("/dev/inbox")
    assert "session=" in page.headers.get("Set-Cookie", ""), "a page with a form keeps its signed session"
    body, headers = _delivery(_event())
    response = client.post("/events/keycloak", data=body, headers=headers)  # the browser cookie rides along
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert _processed(app) == ["e-1"]
