"""Connects python-keycloak's admin client and turns its errors into IdpError at one place."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakAuthenticationError, KeycloakConnectionError, KeycloakError

from provisioner import early_start
from provisioner.errors import KeycloakApiError


@contextmanager
def keycloak_errors(doing: str) -> Iterator[None]:
    """Re-raise python-keycloak errors as one-line KeycloakApiError naming what was being done."""
    try:
        yield
    except KeycloakAuthenticationError as exc:
        raise KeycloakApiError(f"Keycloak refused the admin credentials while {doing}.",
                               "Check IDP_ADMIN_USER/IDP_ADMIN_PASSWORD or the state folder's admin.json.") from exc
    except KeycloakConnectionError as exc:
        raise KeycloakApiError(f"Keycloak could not be reached while {doing}: {exc}",
                               "Is it running? `idp status` tells.") from exc
    except KeycloakError as exc:
        body = exc.error_message.decode(errors="replace") if isinstance(exc.error_message, bytes) else exc.error_message
        raise KeycloakApiError(f"Keycloak answered {exc.response_code} while {doing}: {body}") from exc


def _environment_routes_requests(env: Mapping[str, str]) -> bool:
    """Whether a variable makes requests route a request differently (a proxy) or sign in (netrc)."""
    return any(name.lower().endswith("_proxy") or name.lower() == "netrc" for name in env)


def _read_environment_once(admin: KeycloakAdmin, env: Mapping[str, str]) -> None:
    """requests scans the whole environment before every request (proxies, CA bundle): a tenant's first
    apply is about 150 requests, and the scans took a tenth of its time. With no proxy set, the one
    thing they can find is a CA bundle: taken here, once, as requests would take it, and the scans
    are left out. With a proxy set they stay, since which hosts it covers is for requests to judge."""
    session = getattr(admin.connection, "_s", None)
    if session is None or _environment_routes_requests(env):
        return
    bundle = env.get("REQUESTS_CA_BUNDLE") or env.get("CURL_CA_BUNDLE")
    if bundle and admin.connection.verify is True and str(admin.connection.base_url).startswith("https:"):
        admin.connection.verify = bundle
    session.trust_env = False


def connect(server_url: str, username: str, password: str) -> KeycloakAdmin:
    """An admin client logged in to the master realm; switch realms with change_current_realm."""
    with keycloak_errors("signing in as admin"):
        # The sign-in may have been done while the CLI was imported (provisioner/early_start.py); the
        # credentials stay, for python-keycloak to sign in again when the token runs out.
        admin = KeycloakAdmin(server_url=server_url, username=username, password=password, realm_name="master",
                              user_realm_name="master", timeout=30, max_retries=2,
                              token=early_start.admin_token(server_url, username))
        _read_environment_once(admin, os.environ)
        admin.get_realm("master")  # fail now, with a clear message, rather than at the first change
    return admin
