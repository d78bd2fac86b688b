"""The tenant's look on the service's pages: the same stylesheet and favicon Keycloak's login pages
load (the extension's /realms/<realm>/idp-look/), so a tenant's colour and logo are defined once."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Flask


def look_origin(keycloak_public_url: str) -> str:
    """The origin the look is served from, for the pages' Content-Security-Policy."""
    parts = urlsplit(keycloak_public_url)
    return f"{parts.scheme}://{parts.netloc}"


def configure_tenant_look(app: Flask, keycloak_public_url: str) -> None:
    base = keycloak_public_url.rstrip("/")

    def tenant_look(realm: str | None) -> dict[str, str] | None:
        if not realm:
            return None
        root = f"{base}/realms/{quote(realm, safe='')}/idp-look"
        return {"style": f"{root}/style.css", "favicon": f"{root}/favicon"}

    app.add_template_global(tenant_look)
