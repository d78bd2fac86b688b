"""Security headers on every response, in line with what Keycloak sends on its login pages, so the
service's pages are no weaker than the ones they continue: no framing by other sites, no inline or
foreign scripts, no sniffing, no referrer (hand-over links carry tokens), no caching of pages that
show personal data."""

from __future__ import annotations

from flask import Flask, Response


def content_security_policy(look_origin: str) -> str:
    """Own scripts only, never framed by another site. Styles also from Keycloak's origin (the
    tenant's look, tenant_look.py) and images from https (tenants' logos). No form-action: browsers
    apply it to every redirect after a post, and the last step's post ends, through Keycloak, at the
    relying app (Keycloak's own pages leave it out for the same reason); CSRF tokens guard the forms."""
    return "; ".join((
        "default-src 'self'", "script-src 'self'", f"style-src 'self' {look_origin}",
        f"img-src 'self' data: https: {look_origin}", "frame-src 'self'", "frame-ancestors 'self'",
        "object-src 'none'", "base-uri 'none'",
    ))


def configure_security_headers(app: Flask, https: bool, look_origin: str) -> None:
    """Add the headers to every response (pages, JSON and static files alike)."""
    policy = content_security_policy(look_origin)

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
