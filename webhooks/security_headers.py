"""Security headers on every response, in line with what Keycloak sends on its login pages, so the
service's pages are no weaker than the ones they continue: no framing by other sites, no inline or
foreign scripts, no sniffing, no referrer (hand-over links carry tokens), no caching of pages that
show personal data."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(keycloak_public_url: str) -> str:
    """The CSP of every page: own scripts and styles only; forms post here, or (after a step's last
    redirect) lead back into Keycloak's sign-in."""
    return "; ".join((
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "frame-src 'self'", "frame-ancestors 'self'", "object-src 'none'", "base-uri 'none'",
        f"form-action 'self' {_origin(keycloak_public_url)}",
    ))


def configure_security_headers(app: Flask, keycloak_public_url: str, https: bool) -> None:
    """Add the headers to every response (pages, JSON and static files alike)."""
    policy = content_security_policy(keycloak_public_url)

    @app.after_request
    def add_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Robots-Tag", "none")
        if https:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if response.mimetype == "text/html":
            headers["Cache-Control"] = "no-store"
        return response
