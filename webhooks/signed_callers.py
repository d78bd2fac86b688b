"""Endpoints only machines call, each request signed instead of carrying a browser's session:
Keycloak's (event deliveries, personal access token checks, signed with the shared webhook secret)
and Twilio's voice webhooks (signed by Twilio). They get no CSRF token and no cookie session. Flask
opens its signed-cookie session for every request otherwise (a serializer built for each key, the
cookies parsed), which was about a tenth of the service's CPU per event."""

from __future__ import annotations

from flask import Blueprint, Flask, Request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_wtf.csrf import CSRFProtect


class _NoSessionFor(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self.blueprints: set[str] = set()

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if request.blueprint in self.blueprints:
            return self.make_null_session(app)  # reads as empty; a write would raise, never pass silently
        return super().open_session(app, request)


def register_signed_callers(app: Flask, csrf: CSRFProtect, *blueprints: Blueprint) -> None:
    """Register `blueprints` as signed machine endpoints: exempt from CSRF, and given no session. May be
    called more than once; each call adds to the ones before."""
    if not isinstance(app.session_interface, _NoSessionFor):
        app.session_interface = _NoSessionFor()
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)
        app.session_interface.blueprints.add(blueprint.name)
