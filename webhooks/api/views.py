"""The JSON API relying apps call with the user's access token: the balance and its ledger entries,
the bound card, the auto top-up choice (read and changed within the tenant's bounds). The billing
endpoints (billing.py) hang under it and share its error handling."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from contract.onboarding import CardStep
from webhooks.api import representations
from webhooks.api.account_status import bp as account_status_bp
from webhooks.api.accounts import bp as accounts_bp
from webhooks.api.api_access import bp as api_access_bp
from webhooks.api.bearer import Forbidden, Unauthorized
from webhooks.api.billing import bp as billing_bp
from webhooks.api.caller import request_caller
from webhooks.api.support import bp as support_bp
from webhooks.api.tokens import bp as tokens_bp
from webhooks.balance import ledger
from webhooks.balance.auto_top_up import read_choice
from webhooks.onboarding.i18n import translate
from webhooks.step_errors import StepRefused

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.register_blueprint(billing_bp)
bp.register_blueprint(accounts_bp)
bp.register_blueprint(api_access_bp)
bp.register_blueprint(tokens_bp)
bp.register_blueprint(account_status_bp)
bp.register_blueprint(support_bp)


@bp.errorhandler(Unauthorized)
def unauthorized(exc: Unauthorized):
    body = jsonify({"error": exc.code, "message": exc.message})
    return body, 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}


@bp.errorhandler(Forbidden)
def forbidden(exc: Forbidden):
    body = jsonify({"error": exc.code, "message": exc.message})
    return body, 403, {"WWW-Authenticate": 'Bearer error="insufficient_scope"'}


@bp.errorhandler(StepRefused)
def refused(exc: StepRefused):
    body = {"error": exc.code, "message": translate("en", exc.key, **exc.params)}
    return jsonify(body | ({"field": exc.field} if exc.field else {})), exc.status


def _card_settings(realm: str) -> CardStep | None:
    return current_app.extensions["onboarding"].step(realm, "card")  # None: the tenant has no card step


@bp.get("/me/balance")
def balance():
    """The balance (the sum of the ledger) per currency and the newest 100 entries."""
    caller = request_caller()
    with current_app.extensions["db_sessions"]() as session:
        totals = ledger.balance(session, caller.realm, caller.user_id)
        entries = ledger.entries(session, caller.realm, caller.user_id)
    return jsonify({"balance": representations.balance(totals), "entries": [representations.entry(e) for e in entries]})


def _auto_top_up(realm: str, user_id: str, settings: CardStep | None) -> dict:
    return representations.auto_top_up(current_app.extensions["top_ups"].get(realm, user_id), settings)


@bp.get("/me/card")
def card():
    """The bound card as the user may see it (no gateway token): brand, last four digits, expiry."""
    caller = request_caller()
    return jsonify({"card": representations.card(current_app.extensions["cards"].bound(caller.realm, caller.user_id))})


@bp.get("/me/auto-top-up")
def get_auto_top_up():
    """The user's auto top-up choice and the bounds the tenant allows."""
    caller = request_caller()
    return jsonify(_auto_top_up(caller.realm, caller.user_id, _card_settings(caller.realm)))


@bp.put("/me/auto-top-up")
def put_auto_top_up():
    """Change the choice: `{"enabled": true, "amount": 500, "threshold": 100}` (whole units of the
    tenant's currency) or `{"enabled": false}`; 422 names the field and the allowed range."""
    caller = request_caller()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"error": "invalid_body", "message": 'Send a JSON object, e.g. {"enabled": true, '
                        '"amount": 500, "threshold": 100}.'}), 400
    settings = _card_settings(caller.realm)
    current_app.extensions["top_ups"].save(caller.realm, caller.user_id, read_choice(body, settings))
    return jsonify(_auto_top_up(caller.realm, caller.user_id, settings))
