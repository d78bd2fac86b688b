"""Work `idp apply` starts while the CLI is still being imported.

Importing the CLI (pydantic, python-keycloak and its HTTP stacks) takes about half a second on one
core, and until now Keycloak and the machine's other core sat idle meanwhile. Two things a first
apply needs do not depend on anything imported there, so they start on threads at once:

- the admin sign-in (for a password, Keycloak spends about a tenth of a second on its hash, unless the
  admin's session kept from the last run is still good: provisioner/admin_session.py), for an
  explicit Keycloak (IDP_KEYCLOAK_URL and a sign-in: provisioner/admin_sign_in.py); `--skip-unchanged`
  decides with it (provisioner/entry.py), and a full apply after it signs in no second time;
- one new realm's RSA key pairs (provisioner/key_pairs.py; OpenSSL works outside the GIL).

Each result is taken only if it finished cleanly. Otherwise the CLI signs in or makes the keys
itself, as it did before, and reports any error with its usual message, so nothing here can change
what an apply does or says; the token stays in memory like the one python-keycloak fetches.

Standard library only: this runs before anything heavy is imported. Its HTTP is
provisioner/early_http.py's: the sign-in starts only once this module is imported, and http.client's
import alone (the email package it loads) took four fifths of that wait."""

from __future__ import annotations

import json
import os
import threading
import urllib.parse
from collections.abc import Callable, Mapping

from provisioner import admin_session, admin_sign_in, early_http
from provisioner.admin_sign_in import AdminSignIn
from provisioner.errors import IdpError, admin_credentials_refused
from provisioner.home import state_folder

# The commands that sign in as admin first thing, and for which a new realm's keys may be wanted.
_SIGNING_IN = {"apply", "plan", "export"}
_CREATING_REALMS = {"apply"}
_TIMEOUT = 10.0


class Refused(ValueError):
    """Keycloak answered, with another status than 200."""

    def __init__(self, url: str, status: int, body: bytes) -> None:
        super().__init__(f"HTTP {status} from {url}")
        self.status = status
        self.body = body

    def reason(self) -> str:
        """Keycloak's error_description (or error) when the body is an OAuth error."""
        try:
            answer = json.loads(self.body)
        except ValueError:
            return ""
        return str(answer.get("error_description") or answer.get("error") or "") if isinstance(answer, dict) else ""


class _OnAThread:
    """A value computed on a daemon thread; take() gives it once, or None if it failed (`failure` says how)."""

    def __init__(self, work: Callable[[], dict]) -> None:
        self._value: dict | None = None
        self.failure: Exception | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True, name="idp-early-start")
        self._thread.start()

    def _run(self, work: Callable[[], dict]) -> None:
        try:
            self._value = work()
        except Exception as exc:  # the CLI does the same work again and reports what went wrong
            self._value, self.failure = None, exc

    def peek(self, timeout: float = _TIMEOUT) -> dict | None:
        self._thread.join(timeout)
        return self._value

    def take(self, timeout: float = _TIMEOUT) -> dict | None:
        value, self._value = self.peek(timeout), None
        return value


_sign_in: tuple[str, str, _OnAThread] | None = None


def environment_routes_requests(env: Mapping[str, str]) -> bool:
    """Whether a variable makes requests route a request differently (a proxy) or sign in (netrc)."""
    return any(name.lower().endswith("_proxy") or name.lower() == "netrc" for name in env)


def fetch(url: str, data: bytes | None = None, headers: Mapping[str, str] | None = None,
          env: Mapping[str, str] = os.environ) -> bytes:
    """The body of a 200 answer to a GET of `url`, or to a POST of `data` (a form); OSError or ValueError
    otherwise. For https it trusts the CA file requests would (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE), so
    the early sign-in and the quick skip accept what the CLI accepts."""
    sent = {"Accept": "application/json", **(headers or {})}
    if data is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    status, body = early_http.request("GET" if data is None else "POST", url, data, sent, timeout=_TIMEOUT,
                                      cafile=env.get("REQUESTS_CA_BUNDLE") or env.get("CURL_CA_BUNDLE"))
    if status != 200:
        raise Refused(url, status, body)
    return body


def _grant(url: str, form: Mapping[str, str], env: Mapping[str, str]) -> dict:
    body = urllib.parse.urlencode(form).encode()
    token = json.loads(fetch(f"{url.rstrip('/')}/realms/master/protocol/openid-connect/token", data=body, env=env))
    if not isinstance(token, dict) or "access_token" not in token or "expires_in" not in token:
        raise ValueError("not a token answer")
    return token


def _token_grant(url: str, sign_in: AdminSignIn, env: Mapping[str, str]) -> dict:
    """A token for the sign-in: from the admin's kept session when there is one (provisioner/admin_session.py),
    else by the password or client secret; a password sign-in's session is kept for the next run."""
    if not admin_session.wanted(env, sign_in):
        return _grant(url, sign_in.token_form(), env)
    folder = state_folder(env)
    kept = admin_session.refresh_token(folder, url, sign_in)
    token = None
    if kept:
        try:
            token = _grant(url, {"grant_type": "refresh_token", "client_id": "admin-cli", "refresh_token": kept}, env)
        except ValueError:  # the session ended (or was signed out): the password signs in again
            admin_session.forget(folder)
    if token is None:
        token = _grant(url, sign_in.token_form(), env)
    admin_session.keep(folder, url, sign_in, token)
    return token


def begin(argv: list[str], env: Mapping[str, str]) -> None:
    """Start what the command `argv` will need (nothing for other commands or --help)."""
    global _sign_in
    _sign_in = None
    if not argv or argv[0] not in _SIGNING_IN or "--help" in argv:
        return
    url = env.get("IDP_KEYCLOAK_URL")
    try:
        sign_in = admin_sign_in.from_env(env) if url else None
    except IdpError:
        sign_in = None  # the CLI says what is wrong with the variables
    if url and sign_in and not environment_routes_requests(env):
        _sign_in = (url, sign_in.who, _OnAThread(lambda: _token_grant(url, sign_in, env)))
    # --skip-unchanged expects nothing to create; should it find otherwise, the apply makes the keys then.
    if argv[0] in _CREATING_REALMS and "--skip-unchanged" not in argv:
        from provisioner.key_pairs import SUPPLY
        SUPPLY.ensure(1)


def _begun(url: str, who: str) -> _OnAThread | None:
    """The early sign-in, if one was begun for `url` as `who` (AdminSignIn.who)."""
    return _sign_in[2] if _sign_in is not None and _sign_in[:2] == (url, who) else None


def access_token(url: str, who: str) -> str | None:
    """The early sign-in's access token, left in place for admin_token(); None if there is none."""
    begun = _begun(url, who)
    token = begun.peek() if begun else None
    return token["access_token"] if token else None


def admin_token(url: str, who: str) -> dict | None:
    """The token signed in for `url` as `who` while the CLI was imported, once; None if there is none.
    Raises KeycloakApiError if Keycloak refused those credentials: sending them a second time would
    count as a second failed login, and two within a second lock the account for a minute where the
    realm detects brute force (Keycloak's quick-login check)."""
    global _sign_in
    begun = _begun(url, who)
    if begun is None:
        return None
    _sign_in = None
    token = begun.take()
    failure = begun.failure
    if token is None and isinstance(failure, Refused) and failure.status in (400, 401):
        raise admin_credentials_refused(f"signing in as admin ({who})", failure.reason())
    return token
