"""Connects python-keycloak's admin client and turns its errors into IdpError at one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakAuthenticationError, KeycloakConnectionError, KeycloakError

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


def connect(server_url: str, username: str, password: str) -> KeycloakAdmin:
    """An admin client logged in to the master realm; switch realms with change_current_realm."""
    with keycloak_errors("signing in as admin"):
        admin = KeycloakAdmin(server_url=server_url, username=username, password=password, realm_name="master",
                              user_realm_name="master", timeout=30, max_retries=2)
        admin.get_realms()  # fail now, with a clear message, rather than at the first change
    return admin
