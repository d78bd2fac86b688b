"""How `idp` signs in to Keycloak's master realm against an explicit Keycloak (IDP_KEYCLOAK_URL).

Two kinds, as Keycloak itself offers for automation:

- an admin user: IDP_ADMIN_USER and IDP_ADMIN_PASSWORD (a password grant on `admin-cli`);
- a service account: IDP_ADMIN_CLIENT_ID and IDP_ADMIN_CLIENT_SECRET (a client credentials grant on a
  confidential client of the master realm whose service account holds the `admin` role, e.g. the one
  `kc.sh bootstrap-admin service` or KC_BOOTSTRAP_ADMIN_CLIENT_ID makes). This is what Keycloak
  recommends for pipelines, and it is cheaper: Keycloak checks a client secret directly, where it
  spends about a tenth of a second hashing a password on every sign-in.

Standard library only, and neither dataclasses nor typing: provisioner/early_start.py reads it
before the sign-in can start, and importing those (with the `inspect` dataclasses imports) was a
fifth of that wait."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping

from provisioner.errors import IdpError

USER_VARIABLES = ("IDP_ADMIN_USER", "IDP_ADMIN_PASSWORD")
CLIENT_VARIABLES = ("IDP_ADMIN_CLIENT_ID", "IDP_ADMIN_CLIENT_SECRET")
KEEP_SESSION_VARIABLE = "IDP_ADMIN_KEEP_SESSION"


def keeps_session(env: Mapping[str, str]) -> bool:
    """IDP_ADMIN_KEEP_SESSION: whether a password sign-in keeps the admin's session for the next run
    (provisioner/admin_session.py); on unless set false. Any other value is an error, never a guess."""
    raw = env.get(KEEP_SESSION_VARIABLE, "").strip().lower()
    if raw in ("", "1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise IdpError(f"{KEEP_SESSION_VARIABLE}={raw!r} is neither true nor false.",
                   "Unset it (idp keeps the admin's session between runs), or set it to false.")


class AdminSignIn(namedtuple("AdminSignIn", ("user", "password", "client_id", "client_secret"),
                             defaults=(None, None, None, None))):
    """An admin user's password, or a service account's client id and secret (never both); each a str
    or None."""

    __slots__ = ()

    def __repr__(self) -> str:  # never the password or the secret, should one be logged
        return f"AdminSignIn({self.who})"

    @property
    def who(self) -> str:
        return f"client {self.client_id}" if self.client_id else f"user {self.user}"

    @property
    def secret(self) -> str:
        """The password or the client secret: what keys the applied digest (provisioner/applied_digest.py)."""
        return self.client_secret or self.password or ""

    def token_form(self) -> dict[str, str]:
        """The token request's form fields (master realm's token endpoint)."""
        if self.client_id:
            return {"grant_type": "client_credentials", "client_id": self.client_id,
                    "client_secret": self.client_secret or ""}
        return {"grant_type": "password", "client_id": "admin-cli", "username": self.user or "",
                "password": self.password or ""}


def from_env(env: Mapping[str, str]) -> AdminSignIn | None:
    """The sign-in the environment names; None when it names none. Half a pair, or both kinds at once,
    is an error that says which variables to set."""
    keeps_session(env)  # a mistyped setting is reported here, before any sign-in
    user, password = (env.get(name) or None for name in USER_VARIABLES)
    client_id, client_secret = (env.get(name) or None for name in CLIENT_VARIABLES)
    if (user or password) and (client_id or client_secret):
        raise IdpError("Both an admin user (IDP_ADMIN_USER/IDP_ADMIN_PASSWORD) and a service account "
                       "(IDP_ADMIN_CLIENT_ID/IDP_ADMIN_CLIENT_SECRET) are set.",
                       "Unset one of the two pairs, so it is clear which one idp signs in with.")
    if client_id or client_secret:
        if not (client_id and client_secret):
            raise IdpError("IDP_ADMIN_CLIENT_ID and IDP_ADMIN_CLIENT_SECRET go together; one of them is not set.",
                           "Set both (a master realm client with a service account holding the admin role).")
        return AdminSignIn(client_id=client_id, client_secret=client_secret)
    if user or password:
        if not (user and password):
            raise IdpError("IDP_ADMIN_USER and IDP_ADMIN_PASSWORD go together; one of them is not set.",
                           "Set both, or sign in with a service account: IDP_ADMIN_CLIENT_ID and "
                           "IDP_ADMIN_CLIENT_SECRET.")
        return AdminSignIn(user=user, password=password)
    return None
