"""/api/v1/me/api-access: the caller's API access, read and turned on or off with their own access
token; the same rules as the page (onboarding complete, an authenticator app where required)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from webhooks.api.caller import request_caller
from webhooks.api_access.activation import ApiAccessState
from webhooks.query_params import InvalidParameter

bp = Blueprint("api_access", __name__, url_prefix="/me/api-access")


def _body(state: ApiAccessState) -> dict:
    return {"active": state.active, "onboarding_complete": state.onboarding_complete,
            "totp_required": state.totp_required, "totp_configured": state.totp_configured,
            "may_activate": state.may_activate}


@bp.get("")
def read():
    caller = request_caller()
    return jsonify(_body(current_app.extensions["api_access"].state(caller.realm, caller.user_id)))


@bp.put("")
def change():
    """Body {"active": true|false}; a refusal (422) names what is missing."""
    caller = request_caller()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("active"), bool):
        raise InvalidParameter('The body must be JSON like {"active": true}.')
    activation = current_app.extensions["api_access"]
    state = (activation.activate if body["active"] else activation.deactivate)(caller.realm, caller.user_id)
    return jsonify(_body(state))
