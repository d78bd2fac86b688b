"""Account statuses for the provider's billing system or staff tooling: read an account's status and
suspend, resume, activate or close it, with a reason. Only a machine client holding the realm role
`idp-account-status-manager` (in its token and still in Keycloak) may call it, for its own realm; each
change is recorded as an account event naming the client."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, request

from contract.names import ACCOUNT_STATUS_MANAGER_ROLE
from webhooks.accounts.memberships import NotFound, account_name
from webhooks.accounts.numbers import looks_like_number
from webhooks.accounts.status import ACTIONS, AccountStatuses, status_of
from webhooks.api.bearer import Caller
from webhooks.api.caller import caller_holding
from webhooks.query_params import InvalidParameter

bp = Blueprint("account_status", __name__, url_prefix="/account-status")
ORG_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _manager() -> Caller:
    return caller_holding(ACCOUNT_STATUS_MANAGER_ROLE)


def _org(realm: str, account: str) -> dict:
    """The account named by its id or its number (4829-1736)."""
    store = current_app.extensions["account_store"]
    if ORG_ID.match(account):
        org_id = account
    elif looks_like_number(account):
        org_id = store.find(realm, account)
    else:
        raise InvalidParameter("Name the account by its id or its number (like 4829-1736).")
    org = store.account(realm, org_id) if org_id else None
    if org is None:
        raise NotFound(f"No account {account} in this realm.")
    return org


def _body(org: dict) -> dict:
    return {"id": org["id"], "number": org.get("alias"), "name": account_name(org), **status_of(org).as_dict()}


@bp.get("/<account>")
def read(account: str):
    caller = _manager()
    return jsonify(_body(_org(caller.realm, account)))


@bp.post("/<account>")
def change(account: str):
    """`{"action": "suspend", "reason": "unpaid invoice 2026-11"}`: one of activate, suspend, resume,
    close; suspend and close need a reason."""
    caller = _manager()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("action"), str) \
            or not isinstance(body.get("reason", ""), str | None):
        raise InvalidParameter(f'Send a JSON object with the action ({", ".join(ACTIONS)}) and, to suspend or close, '
                               'a reason: {"action": "suspend", "reason": "unpaid invoice"}.', code="invalid_body")
    org = _org(caller.realm, account)
    statuses: AccountStatuses = current_app.extensions["account_statuses"]
    statuses.change(caller.realm, org["id"], body["action"], body.get("reason"),
                    actor=f"client:{caller.client_id}"[:64])
    return jsonify(_body(_org(caller.realm, org["id"])))
