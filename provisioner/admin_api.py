"""Connects python-keycloak's admin client and turns its errors into IdpError at one place."""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakAuthenticationError, KeycloakConnectionError, KeycloakError
from requests import Response

from provisioner import early_start
from provisioner.admin_sign_in import AdminSignIn
from provisioner.errors import KeycloakApiError, admin_credentials_refused


@contextmanager
def keycloak_errors(doing: str) -> Iterator[None]:
    """Re-raise python-keycloak errors as one-line KeycloakApiError naming what was being done."""
    try:
        yield
    except KeycloakAuthenticationError as exc:
        raise admin_credentials_refused(doing) from exc
    except KeycloakConnectionError as exc:
        if _certificate_refused(exc):
            raise KeycloakApiError(f"Keycloak's TLS certificate was not trusted while {doing}: {exc.__cause__}",
                                   "If the certificate is right, point REQUESTS_CA_BUNDLE at the CA file that "
                                   "signed it.") from exc
        raise KeycloakApiError(f"Keycloak could not be reached while {doing}: {exc}",
                               "Is it running? `idp status` tells.") from exc
    except KeycloakError as exc:
        body = exc.error_message.decode(errors="replace") if isinstance(exc.error_message, bytes) else exc.error_message
        raise KeycloakApiError(f"Keycloak answered {exc.response_code} while {doing}: {body}") from exc


def _certificate_refused(exc: BaseException) -> bool:
    """Whether a failed connection was a TLS certificate check (python-keycloak says only "Can't connect")."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(cause):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _read_environment_once(admin: KeycloakAdmin, env: Mapping[str, str]) -> None:
    """requests scans the whole environment before every request (proxies, CA bundle): a tenant's first
    apply is about 150 requests, and the scans took a tenth of its time. With no proxy set, the one
    thing they can find is a CA bundle: taken here, once, as requests would take it, and the scans
    are left out. With a proxy set they stay, since which hosts it covers is for requests to judge."""
    session = getattr(admin.connection, "_s", None)
    if session is None or early_start.environment_routes_requests(env):
        return
    bundle = env.get("REQUESTS_CA_BUNDLE") or env.get("CURL_CA_BUNDLE")
    if bundle and admin.connection.verify is True and str(admin.connection.base_url).startswith("https:"):
        admin.connection.verify = bundle
    session.trust_env = False


# Keycloak writes some answers (the login flows among them) from a stream it reads while the answer is
# being written out; a failure there comes back as 400 "Cannot parse the JSON". It was seen once in
# about eighty first applies, with other parts of the same realm being written side by side, and not
# again in stress runs. A GET sends no JSON to parse, so on a GET that answer can only be this, and the
# read is sent again. urllib3's Retry cannot do it: it sees the status, not the body, and a 400 is
# otherwise a real refusal that must not be sent twice.
UNWRITTEN_ANSWER = "Cannot parse the JSON"
READ_AGAIN = 2


def _answer_was_broken(response: Response) -> bool:
    return response.status_code == 400 and UNWRITTEN_ANSWER in response.text


def _read_again_when_broken(admin: KeycloakAdmin) -> None:
    """Every GET python-keycloak sends goes through connection.raw_get; it is sent again, at most
    READ_AGAIN times, while Keycloak's answer broke as it was written. Writes are never sent twice."""
    read = admin.connection.raw_get

    def raw_get(*args: Any, **kwargs: Any) -> Response:
        response = read(*args, **kwargs)
        for _ in range(READ_AGAIN):
            if not _answer_was_broken(response):
                break
            response = read(*args, **kwargs)
        return response

    admin.connection.raw_get = raw_get


def connect(server_url: str, username: str, password: str) -> KeycloakAdmin:
    """An admin client signed in to the master realm as an admin user; switch realms with change_current_realm."""
    return connect_as(server_url, AdminSignIn(user=username, password=password))


def connect_as(server_url: str, sign_in: AdminSignIn) -> KeycloakAdmin:
    """An admin client signed in to the master realm as a user or a service account (admin_sign_in.py)."""
    with keycloak_errors(f"signing in as admin ({sign_in.who})"):
        # The sign-in may have been done while the CLI was imported (provisioner/early_start.py); the
        # credentials stay, for python-keycloak to sign in again when the token runs out.
        # verify=False reaches only the asyncio client python-keycloak builds beside its requests session
        # and idp never uses: building it with verification loads the whole CA bundle (35 ms of every run).
        # Every request idp sends verifies as before: the session's setting is put back at once.
        credentials = ({"client_id": sign_in.client_id, "client_secret_key": sign_in.client_secret,
                        "grant_type": "client_credentials"} if sign_in.client_id
                       else {"username": sign_in.user, "password": sign_in.password})
        admin = KeycloakAdmin(server_url=server_url, realm_name="master", user_realm_name="master", timeout=30,
                              max_retries=2, verify=False, token=early_start.admin_token(server_url, sign_in.who),
                              **credentials)
        admin.connection.verify = True
        _read_environment_once(admin, os.environ)
        _read_again_when_broken(admin)
        admin.get_realm("master")  # fail now, with a clear message, rather than at the first change
    return admin
