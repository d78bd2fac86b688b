"""What an operator watches: the service's Prometheus metrics (requests by route, events, webhook
lag) for loopback callers or a token holder only, and JSON log lines with the request's fields."""

from __future__ import annotations

import io
import json
import logging

import pytest

from tests.unit.test_event_intake import SECRET, _delivery, _event
from webhooks import create_app
from webhooks.config import ServiceConfig
from webhooks.observability.logs import configure_logging


def _app(tmp_path, **config):
    app = create_app(ServiceConfig(database_url=f"sqlite:///{tmp_path / 's.db'}", port=0, smtp_port=0,
                                   dev_inbox=True, webhook_secret=SECRET, **config), migrate=True)
    app.extensions["event_intake"].effects.clear()
    return app


def _value(text: str, line_start: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(line_start))


def test_metrics_count_requests_by_route_and_events_with_their_lag(tmp_path):
    client = _app(tmp_path).test_client()
    before = client.get("/metrics").get_data(as_text=True)
    body, headers = _delivery(_event("m-1"))
    assert client.post("/events/keycloak", data=body, headers=headers).status_code == 200
    assert client.post("/events/keycloak", data=body, headers=headers).status_code == 409
    assert client.post("/events/keycloak", data=b"{}", headers={"webhook-id": "x"}).status_code == 401
    after = client.get("/metrics").get_data(as_text=True)

    def grew(line_start: str) -> float:
        return _value(after, line_start) - _value(before, line_start)

    assert grew('idp_events_total{outcome="processed",via="push"}') == 1
    assert grew('idp_events_total{outcome="duplicate",via="push"}') == 1
    assert grew('idp_events_total{outcome="refused",via="push"}') == 1
    assert grew('idp_event_lag_seconds_count{via="push"}') == 1
    assert grew('idp_http_requests_total{method="POST",route="/events/keycloak",status="200"}') == 1
    assert 'route="/events/keycloak"' in after and "m-1" not in after, "routes, never raw paths or ids"


def test_metrics_are_for_the_operator_only(tmp_path):
    client = _app(tmp_path).test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 403
    (tmp_path / "t").mkdir()
    tokened = _app(tmp_path / "t", metrics_token="scrape-me-0123456789").test_client()
    far = {"REMOTE_ADDR": "10.1.2.3"}
    assert tokened.get("/metrics", environ_base=far).status_code == 403
    assert tokened.get("/metrics", environ_base=far, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert tokened.get("/metrics", environ_base=far,
                       headers={"Authorization": "Bearer scrape-me-0123456789"}).status_code == 200


@pytest.fixture
def json_logs():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging(stream=stream)
    yield stream
    root.handlers[:], _ = saved[0], root.setLevel(saved[1])


def test_each_request_is_one_json_line_with_its_request_id(tmp_path, json_logs):
    client = _app(tmp_path).test_client()
    answer = client.get("/healthz", headers={"X-Request-Id": "req-42"})
    assert answer.headers["X-Request-Id"] == "req-42"
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines() if line.strip()]
    [access] = [entry for entry in lines if entry.get("logger") == "idp.access" and entry.get("route") == "/healthz"]
    assert access["request_id"] == "req-42" and access["status"] == 200 and access["method"] == "GET"
    assert access["level"] == "INFO" and "duration_ms" in access and "time" in access
