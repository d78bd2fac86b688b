"""The caller of a JSON API request, from its bearer token."""

from __future__ import annotations

from flask import current_app, request

from webhooks.api.bearer import BearerVerifier, Caller
from webhooks.api.service_roles import require_role


def request_caller() -> Caller:
    """The caller named by the request's bearer token, or Unauthorized."""
    verifier: BearerVerifier = current_app.extensions["bearer"]
    return verifier.verify(request.headers.get("Authorization"))


def caller_holding(role: str) -> Caller:
    """The caller, if its token carries `role` and Keycloak still grants it (service_roles.py)."""
    caller = request_caller()
    require_role(caller, role, current_app.extensions["keycloak"].realm_roles_of)
    return caller
