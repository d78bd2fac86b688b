"""Support staff's tools through the JSON API, the same as `idp users unlock|reset-onboarding` and
`idp phones release`: for a caller holding the realm role `idp-support` (in its token and still in
Keycloak), in its own realm. Each action is a support record naming the caller, and Keycloak keeps an
admin event for each change to a user."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from contract.names import SUPPORT_ROLE
from contract.onboarding import international_e164
from webhooks.api.bearer import Caller
from webhooks.api.caller import caller_holding
from webhooks.query_params import InvalidParameter
from webhooks.support.actions import SupportActions

bp = Blueprint("support", __name__, url_prefix="/support")
EMAIL_MAX = 320


def _staff() -> Caller:
    return caller_holding(SUPPORT_ROLE)


def _actor(caller: Caller) -> str:
    return f"client:{caller.client_id}" if caller.client_id else caller.user_id


def _field(name: str, example: str) -> str:
    body = request.get_json(silent=True)
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, str) or not 0 < len(value.strip()) <= EMAIL_MAX:
        raise InvalidParameter(f'Send a JSON object naming the {name}: {{"{name}": "{example}"}}.', code="invalid_body")
    return value.strip()


def _actions() -> SupportActions:
    return current_app.extensions["support"]


@bp.post("/users/unlock")
def unlock():
    """`{"email": ...}`: forget the user's failed sign-ins, so a temporary lockout ends now."""
    caller = _staff()
    email = _field("email", "ada@example.com")
    _actions().unlock(caller.realm, _actions().user_id(caller.realm, email), actor=_actor(caller))
    return jsonify({"email": email, "unlocked": True})


@bp.post("/users/reset-onboarding")
def reset_onboarding():
    """`{"email": ...}`: onboarding starts again from its first step at the user's next sign-in."""
    caller = _staff()
    email = _field("email", "ada@example.com")
    forgotten = _actions().reset_onboarding(caller.realm, _actions().user_id(caller.realm, email), actor=_actor(caller))
    return jsonify({"email": email, "steps_forgotten": forgotten})


@bp.post("/phones/release")
def release_phone():
    """`{"number": "+79991234567"}`: the number is no one's, and may be verified by another user."""
    caller = _staff()
    raw = _field("number", "+79991234567")
    number = international_e164(raw)
    if number is None:
        raise InvalidParameter(f"{raw!r} is not a phone number in international format; write it like +79991234567.",
                               code="invalid_number")
    released = _actions().release_phone(caller.realm, number, actor=_actor(caller))
    return jsonify({"number": released.number, "held_by": released.holders})
