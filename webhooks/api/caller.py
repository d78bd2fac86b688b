"""The caller of a JSON API request, from its bearer token."""

from __future__ import annotations

from flask import current_app, request

from webhooks.api.bearer import BearerVerifier, Caller


def request_caller() -> Caller:
    """The caller named by the request's bearer token, or Unauthorized."""
    verifier: BearerVerifier = current_app.extensions["bearer"]
    return verifier.verify(request.headers.get("Authorization"))
