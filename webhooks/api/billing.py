"""What the provider's billing system reads to charge a user: the bound card's gateway token and
customer, the auto top-up choice, the balance. Only a machine client holding the realm role
`idp-billing-reader` (in its token and still in Keycloak) may call it, and only for its own realm."""

from __future__ import annotations

import logging
import re

from flask import Blueprint, current_app, jsonify, request

from contract.names import BILLING_READER_ROLE
from webhooks.api import representations
from webhooks.api.bearer import Caller
from webhooks.api.caller import caller_holding
from webhooks.balance import ledger
from webhooks.query_params import InvalidParameter, bounded_int, bounded_text

bp = Blueprint("billing", __name__, url_prefix="/billing")
log = logging.getLogger(__name__)
USER_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def _billing_caller() -> Caller:
    return caller_holding(BILLING_READER_ROLE)


def _user(caller: Caller, user_id: str) -> dict:
    settings = current_app.extensions["onboarding"].step(caller.realm, "card")
    bound = current_app.extensions["cards"].bound(caller.realm, user_id)
    with current_app.extensions["db_sessions"]() as session:
        totals = ledger.balance(session, caller.realm, user_id)
    return {"user_id": user_id, "card": representations.card_for_billing(bound),
            "auto_top_up": representations.auto_top_up(current_app.extensions["top_ups"].get(caller.realm, user_id),
                                                       settings),
            "balance": representations.balance(totals)}


@bp.get("/users/<user_id>")
def user(user_id: str):
    """One user of the caller's realm: bound card (with the gateway's token), auto top-up, balance."""
    caller = _billing_caller()
    if not USER_ID.match(user_id):
        raise InvalidParameter("user_id must be the user's Keycloak id (letters, digits and '-').")
    log.info("billing client %s read the card of user %s in %s", caller.client_id, user_id, caller.realm)
    return jsonify(_user(caller, user_id))


@bp.get("/cards")
def cards():
    """Every user of the caller's realm with a bound card, in pages of `limit` (at most 500) after the
    cursor `after` (the previous page's `next`)."""
    caller = _billing_caller()
    limit = bounded_int(request.args, "limit", 100, 1, 500)
    after = bounded_text(request.args, "after", 64) or ""
    page = current_app.extensions["cards"].bound_page(caller.realm, after, limit)
    log.info("billing client %s read %d cards in %s", caller.client_id, len(page), caller.realm)
    return jsonify({"items": [_user(caller, row.user_id) for row in page],
                    "next": page[-1].user_id if len(page) == limit else None})
