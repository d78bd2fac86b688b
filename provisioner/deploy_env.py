"""The .env that docker-compose.yml reads: every secret freshly random, the public URLs as given.
Written once; never overwrites a file (a lost secret locks the databases and sessions out)."""

from __future__ import annotations

import secrets

from contract.secrets import new_onboarding_secret, new_webhook_secret

COMPOSE_VARIABLES = (
    "COMPOSE_PROJECT_NAME", "POSTGRES_PASSWORD", "KEYCLOAK_DB_PASSWORD", "SERVICE_DB_PASSWORD",
    "KEYCLOAK_ADMIN_USER", "KEYCLOAK_ADMIN_PASSWORD", "IDP_SERVICE_CLIENT_SECRET", "IDP_WEBHOOK_SECRET",
    "IDP_ONBOARDING_SECRET", "IDP_KEYCLOAK_PUBLIC_URL", "IDP_SERVICE_PUBLIC_URL",
)


def compose_env(keycloak_url: str, service_url: str) -> str:
    """The file's text: a comment, then KEY=value lines."""
    values = {
        "COMPOSE_PROJECT_NAME": "idp",
        "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
        "KEYCLOAK_DB_PASSWORD": secrets.token_urlsafe(24),
        "SERVICE_DB_PASSWORD": secrets.token_urlsafe(24),
        "KEYCLOAK_ADMIN_USER": "admin",
        "KEYCLOAK_ADMIN_PASSWORD": secrets.token_urlsafe(24),
        "IDP_SERVICE_CLIENT_SECRET": secrets.token_urlsafe(32),
        "IDP_WEBHOOK_SECRET": new_webhook_secret(),
        "IDP_ONBOARDING_SECRET": new_onboarding_secret(),
        "IDP_KEYCLOAK_PUBLIC_URL": keycloak_url.rstrip("/"),
        "IDP_SERVICE_PUBLIC_URL": service_url.rstrip("/"),
    }
    lines = ["# docker-compose.yml's settings, made by `idp env`. Keep this file secret and backed up: the",
             "# databases, Keycloak's admin and the service's signing keys depend on these values."]
    return "\n".join(lines + [f"{key}={values[key]}" for key in COMPOSE_VARIABLES]) + "\n"
