"""Per-realm secrets derived from one shared secret, so what a realm admin can read in their realm
opens no other realm."""

from __future__ import annotations

import base64
import hashlib
import hmac


def realm_client_secret(shared: str, realm: str) -> str:
    """The `idp-service` client's secret in one realm: `idp apply` sets it, the service signs in with it."""
    digest = hmac.new(shared.encode(), f"idp-service-client/{realm}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
