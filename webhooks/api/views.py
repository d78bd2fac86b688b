"""The JSON API relying apps call with the user's access token: the balance and its ledger entries,
the bound card, the auto top-up choice (read and changed within the tenant's bounds)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from contract.onboarding import CardStep
from webhooks.api.bearer import BearerVerifier, Caller, Unauthorized
from webhooks.balance import ledger
from webhooks.balance.auto_top_up import read_choice
from webhooks.balance.money import as_decimal
from webhooks.onboarding.i18n import translate
from webhooks.step_errors import StepRefused

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(Unauthorized)
def unauthorized(exc: Unauthorized):
    body = jsonify({"error": exc.code, "message": exc.message})
    return body, 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}


@bp.errorhandler(StepRefused)
def refused(exc: StepRefused):
    body = {"error": exc.code, "message": translate("en", exc.key, **exc.params)}
    return jsonify(body | ({"field": exc.field} if exc.field else {})), exc.status


def _caller() -> Caller:
    verifier: BearerVerifier = current_app.extensions["bearer"]
    return verifier.verify(request.headers.get("Authorization"))


def _card_settings(realm: str) -> CardStep | None:
    return current_app.extensions["onboarding"].step(realm, "card")  # None: the tenant has no card step


@bp.get("/me/balance")
def balance():
    """The balance (the sum of the ledger) per currency and the newest 100 entries."""
    caller = _caller()
    with current_app.extensions["db_sessions"]() as session:
        totals = ledger.balance(session, caller.realm, caller.user_id)
        entries = ledger.entries(session, caller.realm, caller.user_id)
    return jsonify({
        "balance": [{"currency": c, "amount": as_decimal(v, c), "amount_minor": v} for c, v in sorted(totals.items())],
        "entries": [{"kind": e.kind, "amount": as_decimal(e.amount_minor, e.currency), "amount_minor": e.amount_minor,
                     "currency": e.currency, "created_at": e.created_at.isoformat()} for e in entries],
    })


def _auto_top_up(realm: str, user_id: str, settings: CardStep | None) -> dict:
    row = current_app.extensions["top_ups"].get(realm, user_id)
    bounds = settings.auto_top_up if settings else None
    return {
        "offered": bool(bounds and bounds.offered),
        "enabled": bool(row and row.enabled),
        "amount": as_decimal(row.amount_minor, row.currency) if row and row.enabled else None,
        "threshold": as_decimal(row.threshold_minor, row.currency) if row and row.enabled else None,
        "currency": settings.currency if settings else None,
        "bounds": {"min_amount": bounds.min_amount, "max_amount": bounds.max_amount,
                   "max_threshold": bounds.max_threshold} if bounds and bounds.offered else None,
    }


@bp.get("/me/card")
def card():
    """The bound card as the user may see it (no gateway token): brand, last four digits, expiry."""
    caller = _caller()
    bound = current_app.extensions["cards"].bound(caller.realm, caller.user_id)
    if bound is None:
        return jsonify({"card": None})
    return jsonify({"card": {"brand": bound.brand, "last4": bound.last4, "exp_month": bound.exp_month,
                             "exp_year": bound.exp_year, "bound_at": bound.bound_at.isoformat()}})


@bp.get("/me/auto-top-up")
def get_auto_top_up():
    """The user's auto top-up choice and the bounds the tenant allows."""
    caller = _caller()
    return jsonify(_auto_top_up(caller.realm, caller.user_id, _card_settings(caller.realm)))


@bp.put("/me/auto-top-up")
def put_auto_top_up():
    """Change the choice: `{"enabled": true, "amount": 500, "threshold": 100}` (whole units of the
    tenant's currency) or `{"enabled": false}`; 422 names the field and the allowed range."""
    caller = _caller()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"error": "invalid_body", "message": 'Send a JSON object, e.g. {"enabled": true, '
                        '"amount": 500, "threshold": 100}.'}), 400
    settings = _card_settings(caller.realm)
    current_app.extensions["top_ups"].save(caller.realm, caller.user_id, read_choice(body, settings))
    return jsonify(_auto_top_up(caller.realm, caller.user_id, settings))
