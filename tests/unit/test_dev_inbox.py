"""The dev mail sink stores what it receives; the inbox lists it per recipient, newest first."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest

from tests.support.net import free_port
from webhooks import create_app
from webhooks.config import ServiceConfig
from webhooks.devinbox.smtp_sink import start_smtp_sink


@pytest.fixture
def app(tmp_path):
    config = ServiceConfig(database_url=f"sqlite:///{tmp_path / 'service.db'}", port=0, smtp_port=free_port(),
                           dev_inbox=True)
    app = create_app(config, migrate=True)
    sink = start_smtp_sink(app.extensions["dev_inbox"], config.smtp_port)
    yield app
    sink.stop()


def _send(port: int, to: str, subject: str, html: str | None = None) -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "no-reply@idp.localhost", to, subject
    message.set_content(f"{subject} body with a link http://127.0.0.1/verify?key=abc")
    if html:
        message.add_alternative(html, subtype="html")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message)


def test_messages_are_listed_per_recipient_newest_first(app):
    port = app.config["SERVICE"].smtp_port
    _send(port, "Ann@Example.test", "first")
    _send(port, "bob@example.test", "other")
    _send(port, "ann@example.test", "second", html="<p>second <b>html</b></p>")
    client = app.test_client()

    listed = client.get("/dev/inbox/api/messages?to=ann@example.test").get_json()["messages"]
    assert [m["subject"] for m in listed] == ["second", "first"]
    assert listed[0]["html"].strip() == "<p>second <b>html</b></p>" and "verify?key=abc" in listed[1]["text"]
    assert len(client.get("/dev/inbox/api/messages").get_json()["messages"]) == 3

    page = client.get("/dev/inbox?to=ann@example.test").get_data(as_text=True)
    assert "second" in page and "first" in page and "other" not in page
    one = client.get(f"/dev/inbox/{listed[0]['id']}").get_data(as_text=True)
    assert "sandbox=" in one, "HTML mail is shown in a sandboxed frame"


def test_a_320_character_address_is_received(app):
    address = ("x" * 64) + "@" + ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 63])
    _send(app.config["SERVICE"].smtp_port, address, "long")
    [message] = app.test_client().get(f"/dev/inbox/api/messages?to={address}").get_json()["messages"]
    assert message["to"] == address


def test_health_and_unknown_pages_answer_json(app):
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    missing = client.get("/dev/inbox/api/messages/999999")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"


def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(tmp_path):
    from flask import request

    app = create_app(ServiceConfig(database_url=f"sqlite:///{tmp_path / 'p.db'}", port=0, smtp_port=0,
                                   dev_inbox=False, trusted_proxies=1), migrate=True)
    app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
    assert app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"}).text == "203.0.113.7"
