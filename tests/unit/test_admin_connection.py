"""The admin connection verifies TLS: a Keycloak behind a certificate nobody vouches for is refused
with a clear message, never talked to."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from provisioner.admin_api import connect, keycloak_errors
from provisioner.errors import KeycloakApiError
from tests.support.tls import self_signed, serve_tls


@pytest.fixture
def untrusted_keycloak(tmp_path) -> Iterator[dict]:
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_GET = do_POST

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    serve_tls(server, *self_signed(tmp_path))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"https://127.0.0.1:{server.server_address[1]}", "seen": seen}
    server.shutdown()


def test_a_certificate_nobody_vouches_for_is_refused(untrusted_keycloak, monkeypatch):
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(KeycloakApiError, match="TLS certificate was not trusted") as refused:
        connect(untrusted_keycloak["url"], "admin", "pw")
    assert "self-signed certificate" in str(refused.value) and "REQUESTS_CA_BUNDLE" in refused.value.hint
    assert untrusted_keycloak["seen"] == [], "no request got through"


BROKEN = b'{"error":"unknown_error","error_description":"Cannot parse the JSON"}'


@pytest.fixture
def racing_keycloak() -> Iterator[dict]:
    """Answers as Keycloak does when a write to the realm breaks a list while it is being written out:
    the first `broken` reads of the flows fail, then the list comes whole."""
    state: dict = {"broken": 0, "reads": 0, "writes": 0}

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.endswith("/openid-connect/token"):
                self._answer(200, b'{"access_token":"t","refresh_token":"r","expires_in":300,'
                                  b'"refresh_expires_in":1800,"token_type":"Bearer"}')
            else:
                state["writes"] += 1
                self._answer(400, BROKEN)  # a real refusal of a body: never sent twice

        def do_GET(self) -> None:
            if self.path.endswith("/authentication/flows"):
                state["reads"] += 1
                if state["reads"] <= state["broken"]:
                    self._answer(400, BROKEN)
                else:
                    self._answer(200, b'[{"alias":"browser"}]')
            else:
                self._answer(200, b'{"realm":"master"}')

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}", "state": state}
    server.shutdown()


def test_a_read_whose_answer_broke_while_written_is_sent_again(racing_keycloak):
    racing_keycloak["state"]["broken"] = 2
    admin = connect(racing_keycloak["url"], "admin", "pw")
    assert [f["alias"] for f in admin.get_authentication_flows()] == ["browser"]
    assert racing_keycloak["state"]["reads"] == 3


def test_a_read_that_keeps_breaking_stops_with_keycloaks_answer(racing_keycloak):
    racing_keycloak["state"]["broken"] = 10
    admin = connect(racing_keycloak["url"], "admin", "pw")
    with pytest.raises(KeycloakApiError, match=r"400 while reading the flows: .*Cannot parse the JSON"), \
            keycloak_errors("reading the flows"):
        admin.get_authentication_flows()
    assert racing_keycloak["state"]["reads"] == 3, "two more tries, then the answer is Keycloak's"


def test_a_write_refused_is_never_sent_twice(racing_keycloak):
    admin = connect(racing_keycloak["url"], "admin", "pw")
    with pytest.raises(KeycloakApiError, match="400 while creating a flow"), keycloak_errors("creating a flow"):
        admin.create_authentication_flow({"alias": "mine"})
    assert racing_keycloak["state"]["writes"] == 1
