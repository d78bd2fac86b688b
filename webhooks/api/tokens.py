"""/api/v1/me/tokens: the caller's personal access tokens (create, list, revoke) with their own access
token; and /api/v1/tokens/introspect, OAuth 2.0 token introspection (RFC 7662) for the provider's APIs
that accept those tokens: a machine client holding `idp-token-introspector` asks whether a token works
right now and for whom."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from contract.names import TOKEN_INTROSPECTOR_ROLE
from webhooks.accounts.rules import may_manage_members
from webhooks.api.bearer import Forbidden
from webhooks.api.caller import caller_holding, request_caller
from webhooks.pats.exchange import reachable_accounts
from webhooks.pats.tokens import PersonalAccessToken, PersonalAccessTokens
from webhooks.query_params import InvalidParameter

bp = Blueprint("tokens", __name__)


def _tokens() -> PersonalAccessTokens:
    return current_app.extensions["pats"]


def representation(row: PersonalAccessToken) -> dict:
    return {"id": row.id, "name": row.name, "hint": row.hint, "account_id": row.account_id, "role": row.role,
            "created_at": row.created_at.isoformat(), "expires_at": row.expires_at.isoformat(),
            "last_used_at": row.last_used_at.isoformat() if row.last_used_at else None}


@bp.get("/me/tokens")
def list_tokens():
    caller = request_caller()
    return jsonify({"tokens": [representation(r) for r in _tokens().of_user(caller.realm, caller.user_id)]})


@bp.post("/me/tokens")
def create_token():
    """Body {"name": "...", "days": 30, "account_id"?: "...", "role"?: "..."}; the secret is in this
    answer only."""
    caller = request_caller()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not isinstance(body.get("days"), int) \
            or isinstance(body.get("days"), bool):
        raise InvalidParameter('Send a JSON object with a name and days, e.g. {"name": "deploy script", "days": 30}.',
                               code="invalid_body")
    for key in ("account_id", "role"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise InvalidParameter(f"{key} must be a string.", code="invalid_body")
    created = _tokens().create(caller.realm, caller.user_id, body["name"], body["days"], body.get("account_id"),
                               body.get("role"))
    return jsonify({**representation(created.row), "token": created.token}), 201


@bp.delete("/me/tokens/<token_id>")
def revoke_token(token_id: str):
    caller = request_caller()
    _tokens().revoke(caller.realm, token_id, by=caller.user_id, owner=caller.user_id)
    return "", 204


def _account_admin(account_id: str):
    """The caller, if they may manage the account's members right now (live roles, not the token's)."""
    caller = request_caller()
    memberships = current_app.extensions["memberships"]
    _, holder = memberships.membership(caller.realm, account_id, caller.user_id)
    if not may_manage_members(memberships.settings(caller.realm), holder):
        raise Forbidden("Only those who manage the account's members see and revoke its tokens.")
    return caller


@bp.get("/accounts/<account_id>/tokens")
def account_tokens(account_id: str):
    """The live tokens limited to this account (their owners' ids, never secrets), for its admins."""
    caller = _account_admin(account_id)
    rows = _tokens().reaching_account(caller.realm, account_id)
    return jsonify({"tokens": [{**representation(r), "user_id": r.user_id} for r in rows]})


@bp.delete("/accounts/<account_id>/tokens/<token_id>")
def revoke_account_token(account_id: str, token_id: str):
    caller = _account_admin(account_id)
    _tokens().revoke(caller.realm, token_id, by=caller.user_id, account_id=account_id)
    return "", 204


@bp.post("/tokens/introspect")
def introspect():
    """RFC 7662: form field `token`; {"active": false} for anything that does not work right now."""
    caller = caller_holding(TOKEN_INTROSPECTOR_ROLE)
    token = request.form.get("token", "")
    row = _tokens().check(caller.realm, token) if token else None
    if row is None:
        return jsonify({"active": False})
    accounts = reachable_accounts(current_app.extensions["memberships"], caller.realm, row)
    return jsonify({"active": True, "token_type": "personal_access_token", "client_id": "personal-access-token",
                    "sub": row.user_id, "iss": f"{current_app.config['SERVICE'].issuer_base}/realms/{caller.realm}",
                    "iat": int(row.created_at.timestamp()), "exp": int(row.expires_at.timestamp()), "jti": row.id,
                    "name": row.name, "accounts": accounts})
