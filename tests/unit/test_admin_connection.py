"""The admin connection verifies TLS: a Keycloak behind a certificate nobody vouches for is refused
with a clear message, never talked to."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from provisioner.admin_api import connect
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
