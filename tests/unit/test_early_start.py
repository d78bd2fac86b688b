"""The admin sign-in started while the CLI is imported: used only for the same Keycloak and user, once,
and only when it worked (a refused or broken sign-in leaves it to the CLI and its usual message)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from provisioner import early_start
from provisioner.errors import KeycloakApiError
from tests.support.tls import self_signed, serve_tls


@pytest.fixture
def keycloak() -> Iterator[dict]:
    """A loopback stand-in for Keycloak's token endpoint; `answer` says what it replies."""
    yield from _token_endpoint()


def _token_endpoint(tls: tuple[Path, Path] | None = None) -> Iterator[dict]:
    state = {"answer": (200, {"access_token": "a", "refresh_token": "r", "expires_in": 60}), "forms": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            state["forms"].append(self.rfile.read(int(self.headers["Content-Length"])).decode())
            status, body = state["answer"]
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls:
        serve_tls(server, *tls)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()


def _env(url: str) -> dict[str, str]:
    return {"IDP_KEYCLOAK_URL": url, "IDP_ADMIN_USER": "admin", "IDP_ADMIN_PASSWORD": "pw"}


def test_the_sign_in_is_taken_once_for_the_same_keycloak_and_user(keycloak):
    early_start.begin(["plan"], _env(keycloak["url"]))
    assert early_start.admin_token("http://elsewhere:8080", "user admin") is None
    assert early_start.admin_token(keycloak["url"], "user other") is None
    assert early_start.access_token(keycloak["url"], "user admin") == "a", "looked at, left in place"
    token = early_start.admin_token(keycloak["url"], "user admin")
    assert token and token["access_token"] == "a"
    assert early_start.admin_token(keycloak["url"], "user admin") is None, "once"
    assert "grant_type=password" in keycloak["forms"][0] and "client_id=admin-cli" in keycloak["forms"][0]


def test_a_refused_sign_in_is_reported_and_never_sent_twice(keycloak):
    # A second failed login within a second would lock the admin out for a minute where the realm
    # detects brute force (Keycloak's quick-login check): the CLI reports this refusal instead.
    keycloak["answer"] = (401, {"error": "invalid_grant", "error_description": "Invalid user credentials"})
    early_start.begin(["apply", "--prune"], _env(keycloak["url"]))
    with pytest.raises(KeycloakApiError, match=r"refused the admin credentials.*Invalid user credentials") as refused:
        early_start.admin_token(keycloak["url"], "user admin")
    assert "IDP_ADMIN_PASSWORD" in refused.value.hint
    assert len(keycloak["forms"]) == 1
    assert early_start.admin_token(keycloak["url"], "user admin") is None, "reported once"


def test_a_sign_in_that_broke_is_left_to_the_cli(keycloak):
    keycloak["answer"] = (503, {"error": "unavailable"})
    early_start.begin(["apply"], _env(keycloak["url"]))
    assert early_start.admin_token(keycloak["url"], "user admin") is None


def test_a_service_account_signs_in_with_its_client_secret(keycloak):
    early_start.begin(["apply"], {"IDP_KEYCLOAK_URL": keycloak["url"], "IDP_ADMIN_CLIENT_ID": "idp-ci",
                                  "IDP_ADMIN_CLIENT_SECRET": "s3"})
    assert early_start.admin_token(keycloak["url"], "client idp-ci")["access_token"] == "a"
    form = keycloak["forms"][0]
    assert "grant_type=client_credentials" in form and "client_id=idp-ci" in form and "client_secret=s3" in form


def test_half_a_pair_is_left_to_the_cli_to_explain(keycloak):
    early_start.begin(["apply"], {"IDP_KEYCLOAK_URL": keycloak["url"], "IDP_ADMIN_CLIENT_ID": "idp-ci"})
    assert keycloak["forms"] == []


@pytest.mark.parametrize("argv", [["apply", "--help"], ["validate"], ["up"], []])
def test_other_commands_start_nothing(keycloak, argv):
    early_start.begin(argv, _env(keycloak["url"]))
    assert early_start.admin_token(keycloak["url"], "user admin") is None
    assert keycloak["forms"] == []


def test_with_a_proxy_set_the_cli_signs_in_itself(keycloak):
    early_start.begin(["apply"], {**_env(keycloak["url"]), "HTTPS_PROXY": "http://proxy:3128"})
    assert early_start.admin_token(keycloak["url"], "user admin") is None
    assert keycloak["forms"] == []


def test_over_https_the_sign_in_trusts_what_requests_would(tmp_path):
    cert, key = self_signed(tmp_path)
    endpoint = _token_endpoint((cert, key))
    keycloak = next(endpoint)
    early_start.begin(["apply"], {**_env(keycloak["url"]), "REQUESTS_CA_BUNDLE": str(cert)})
    assert early_start.admin_token(keycloak["url"], "user admin")["access_token"] == "a"
    early_start.begin(["apply"], _env(keycloak["url"]))  # a private CA nobody named: left to the CLI
    assert early_start.admin_token(keycloak["url"], "user admin") is None
    assert len(keycloak["forms"]) == 1, "the untrusted server never saw the password"
    next(endpoint, None)


def test_a_kept_session_signs_in_by_refresh_and_a_refused_one_by_the_password(keycloak, tmp_path):
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    env = {**_env(keycloak["url"]), "IDP_STATE_DIR": str(state)}
    keycloak["answer"] = (200, {"access_token": "a", "refresh_token": "r1", "expires_in": 60,
                                "refresh_expires_in": 1800})
    early_start.begin(["plan"], env)
    assert early_start.admin_token(keycloak["url"], "user admin")["access_token"] == "a"
    assert "grant_type=password" in keycloak["forms"][-1]
    early_start.begin(["plan"], env)
    assert early_start.admin_token(keycloak["url"], "user admin")["access_token"] == "a"
    assert "grant_type=refresh_token" in keycloak["forms"][-1] and "refresh_token=r1" in keycloak["forms"][-1]
    assert "pw" not in keycloak["forms"][-1].split("&"), "the password is not sent when the session serves"

    keycloak["answer"] = (400, {"error": "invalid_grant"})  # the session ended, and the password is refused
    early_start.begin(["plan"], env)
    with pytest.raises(KeycloakApiError, match="refused the admin credentials"):
        early_start.admin_token(keycloak["url"], "user admin")
    assert ["grant_type=refresh_token" in f for f in keycloak["forms"][-2:]] == [True, False]
    assert "grant_type=password" in keycloak["forms"][-1]
    assert not (state / "admin-session.json").exists(), "a refused session is forgotten"
