"""POST /internal/personal-access-tokens/exchange-check: Keycloak's token exchange asks whether a
personal access token may become an access token, and for which accounts. Signed by the extension
with the webhook secret (Standard Webhooks), never reachable with a browser cookie or a bearer token."""

from __future__ import annotations

import json
import logging

from flask import Blueprint, current_app, jsonify, request

from webhooks.events.intake import MalformedDelivery
from webhooks.pats.exchange import exchange_reach

bp = Blueprint("pat_checks", __name__, url_prefix="/internal/personal-access-tokens")
log = logging.getLogger(__name__)


@bp.post("/exchange-check")
def exchange_check():
    text = current_app.extensions["event_intake"].signed_body(request.get_data(), request.headers)
    try:
        asked = json.loads(text)
    except ValueError as exc:
        raise MalformedDelivery("The check's body is not JSON.") from exc
    fields = ("realm", "token", "client_id")
    if not isinstance(asked, dict) or any(not isinstance(asked.get(f), str) or not asked[f] for f in fields):
        raise MalformedDelivery("The check needs realm, token and client_id.")
    account = asked.get("client_account_id")
    reach = exchange_reach(current_app.extensions["pats"], current_app.extensions["memberships"],
                           current_app.extensions["keycloak"].realm_roles_of, asked["realm"], asked["token"],
                           account if isinstance(account, str) and account else None)
    log.info("token exchange check by client %s in %s: %s", asked["client_id"], asked["realm"],
             "active" if reach.active else (reach.error or "inactive"))
    return jsonify(reach.as_dict())
