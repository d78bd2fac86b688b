"""Per-realm secrets derived from one shared secret, so what a realm admin can read in their realm
opens no other realm."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def realm_client_secret(shared: str, realm: str) -> str:
    """The `idp-service` client's secret in one realm: `idp apply` sets it, the service signs in with it."""
    digest = hmac.new(shared.encode(), f"idp-service-client/{realm}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


# Keycloak's listener (WebhookSigner.fromSecret) sends nothing with a shorter key; the service refuses
# one at start, so a mistyped secret is found where it was set rather than as missing webhooks.
WEBHOOK_KEY_MIN_BYTES = 24


def new_webhook_secret() -> str:
    """A fresh random webhook secret (32 bytes), for the local stack and for `idp env`."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def new_onboarding_secret() -> str:
    """A fresh random onboarding secret (32 bytes, base64), for the local stack and for `idp env`."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_secret_problem(secret: str) -> str | None:
    """What is wrong with a Standard Webhooks secret ("whsec_" and a base64 key of at least
    WEBHOOK_KEY_MIN_BYTES), or None when both ends can use it."""
    if not secret.startswith("whsec_"):
        return "it does not start with 'whsec_'"
    encoded = secret.removeprefix("whsec_")
    try:  # padding optional, as both ends read it
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except ValueError:
        key = b""
    if not key:
        return "after 'whsec_' comes the key in base64 (A-Z, a-z, 0-9, + and /), which this is not"
    if len(key) < WEBHOOK_KEY_MIN_BYTES:
        return f"its key is {len(key)} bytes; Keycloak's listener needs at least {WEBHOOK_KEY_MIN_BYTES}"
    return None
