"""GET /api/v1/me/balance: the signed-in user's balance and its ledger entries, for relying apps."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from webhooks.api.bearer import BearerVerifier, Unauthorized
from webhooks.balance import ledger
from webhooks.balance.money import as_decimal

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(Unauthorized)
def unauthorized(exc: Unauthorized):
    body = jsonify({"error": exc.code, "message": exc.message})
    return body, 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}


@bp.get("/me/balance")
def balance():
    """The balance (the sum of the ledger) per currency and the newest 100 entries."""
    verifier: BearerVerifier = current_app.extensions["bearer"]
    caller = verifier.verify(request.headers.get("Authorization"))
    with current_app.extensions["db_sessions"]() as session:
        totals = ledger.balance(session, caller.realm, caller.user_id)
        entries = ledger.entries(session, caller.realm, caller.user_id)
    return jsonify({
        "balance": [{"currency": c, "amount": as_decimal(v, c), "amount_minor": v} for c, v in sorted(totals.items())],
        "entries": [{"kind": e.kind, "amount": as_decimal(e.amount_minor, e.currency), "amount_minor": e.amount_minor,
                     "currency": e.currency, "created_at": e.created_at.isoformat()} for e in entries],
    })
