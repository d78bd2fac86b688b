"""Which Keycloak the admin commands talk to: IDP_KEYCLOAK_URL + IDP_ADMIN_* if set, else the local stack."""

from __future__ import annotations

import os
from dataclasses import dataclass

from keycloak import KeycloakAdmin

from provisioner import admin_sign_in
from provisioner.admin_api import connect, connect_as
from provisioner.errors import IdpError
from provisioner.runtime.stack import require_running
from provisioner.runtime.state import StateDir, stack_secrets
from provisioner.settings import Settings


@dataclass(frozen=True)
class Target:
    """A Keycloak server and the environment tenant YAML is resolved against for it."""

    url: str
    admin: KeycloakAdmin
    env: dict[str, str]
    # The admin password or client secret, for keying what must not be guessable from a realm's
    # attributes (provisioner/applied_digest.py).
    admin_secret: str


def open_target(settings: Settings) -> Target:
    """Connect as admin to the configured Keycloak."""
    env = dict(os.environ)
    url = env.get("IDP_KEYCLOAK_URL")
    if url:
        sign_in = admin_sign_in.from_env(env)
        if sign_in is None:
            raise IdpError("IDP_KEYCLOAK_URL is set but no admin sign-in is.",
                           "Set IDP_ADMIN_USER and IDP_ADMIN_PASSWORD, or a service account's IDP_ADMIN_CLIENT_ID "
                           "and IDP_ADMIN_CLIENT_SECRET; or unset IDP_KEYCLOAK_URL to use the local stack.")
        return Target(url, connect_as(url, sign_in), env, sign_in.secret)
    local, creds = require_running(settings)
    # The local realms send mail to the dev sink of this very stack, and their service client
    # uses the secret the stack generated for the service.
    env.setdefault("IDP_SMTP_HOST", "127.0.0.1")
    env["IDP_SMTP_PORT"] = str(local.smtp_port)
    env["IDP_SERVICE_PUBLIC_URL"] = local.service_url
    env["IDP_SERVICE_CLIENT_SECRET"] = stack_secrets(StateDir(settings.state_dir)).service_client_secret
    return Target(local.keycloak_url, connect(local.keycloak_url, creds.username, creds.password), env,
                  creds.password)
