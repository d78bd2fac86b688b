"""Errors the `idp` command turns into one clear message and an exit code."""

from __future__ import annotations


class IdpError(Exception):
    """A failure the user can act on: what went wrong and, when known, how to fix it."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(IdpError):
    """Tenant YAML that does not load or does not validate."""

    exit_code = 2

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems), "Fix the listed keys and run `idp validate` again.")
        self.problems = problems


class RuntimeFailure(IdpError):
    """The local stack could not be fetched, built, started or stopped."""

    exit_code = 3


class KeycloakApiError(IdpError):
    """Keycloak's admin API refused a request."""

    exit_code = 4


ADMIN_CREDENTIALS_HINT = ("Check IDP_ADMIN_USER/IDP_ADMIN_PASSWORD (or IDP_ADMIN_CLIENT_ID/IDP_ADMIN_CLIENT_SECRET), "
                          "or the state folder's admin.json.")


def admin_credentials_refused(doing: str, detail: str = "") -> KeycloakApiError:
    """Keycloak refused the admin sign-in: the one message for it, wherever the sign-in was sent from."""
    return KeycloakApiError(f"Keycloak refused the admin credentials while {doing}{': ' + detail if detail else ''}.",
                            ADMIN_CREDENTIALS_HINT)
