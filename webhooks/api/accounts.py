"""The user's accounts through the JSON API (the user's access token, audience checked): their
accounts, an account's members and projects, changing a member's account or project role and
removing a member, within the tenant's grant table. Each call reads the caller's live roles from
Keycloak: a token minted before a role was taken away grants nothing."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, request

from webhooks.accounts.invitations import Invite
from webhooks.accounts.memberships import Memberships, NotFound
from webhooks.accounts.rules import RoleRefused, may_manage_members
from webhooks.api.caller import request_caller
from webhooks.query_params import InvalidParameter

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def _memberships() -> Memberships:
    return current_app.extensions["memberships"]


def _ids(**ids: str) -> None:
    for name, value in ids.items():
        if not ID.match(value):
            raise InvalidParameter(f"{name} must be an id (letters, digits and '-').")


def _role_body() -> str | None:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "role" not in body or not (body["role"] is None or isinstance(body["role"], str)):
        raise InvalidParameter('Send a JSON object naming the role, e.g. {"role": "member"}.', code="invalid_body")
    return body["role"]


@bp.get("")
def accounts():
    """The caller's accounts: id, number, name and their account role."""
    caller = request_caller()
    return jsonify({"accounts": _memberships().accounts_of(caller.realm, caller.user_id)})


@bp.get("/<account_id>/members")
def members(account_id: str):
    caller = request_caller()
    _ids(account_id=account_id)
    found = _memberships().members(caller.realm, account_id, caller.user_id)
    return jsonify({"members": [{"user_id": m.user_id, "email": m.email, "name": m.name, "role": m.account_role,
                                 "projects": [{"id": p, "role": r} for p, r in sorted(m.project_roles.items())]}
                                for m in found]})


@bp.get("/<account_id>/projects")
def projects(account_id: str):
    caller = request_caller()
    _ids(account_id=account_id)
    memberships = _memberships()
    if memberships.holder(caller.realm, account_id, caller.user_id) is None:
        raise NotFound("No such account, or you are not a member of it.")
    return jsonify({"projects": [{"id": p.id, "name": p.name} for p in memberships.projects(caller.realm, account_id)]})


@bp.put("/<account_id>/members/<user_id>")
def change_role(account_id: str, user_id: str):
    """`{"role": "member"}`: the member's new account role."""
    caller = request_caller()
    _ids(account_id=account_id, user_id=user_id)
    role = _role_body()
    if role is None:
        raise InvalidParameter("Every member holds an account role; to take it away, remove the member.",
                               code="invalid_body")
    _memberships().change_account_role(caller.realm, account_id, caller.user_id, user_id, role)
    return jsonify({"user_id": user_id, "role": role})


@bp.delete("/<account_id>/members/<user_id>")
def remove(account_id: str, user_id: str):
    caller = request_caller()
    _ids(account_id=account_id, user_id=user_id)
    _memberships().remove(caller.realm, account_id, caller.user_id, user_id)
    return "", 204


@bp.put("/<account_id>/projects/<project_id>/members/<user_id>")
def project_role(account_id: str, project_id: str, user_id: str):
    """`{"role": "developer"}` gives or changes the member's role in the project; `{"role": null}`
    takes it away."""
    caller = request_caller()
    _ids(account_id=account_id, project_id=project_id, user_id=user_id)
    role = _role_body()
    _memberships().set_project_role(caller.realm, account_id, caller.user_id, user_id, project_id, role)
    return jsonify({"user_id": user_id, "project_id": project_id, "role": role})


def _invitation(row) -> dict:
    return {"id": row.id, "email": row.email, "role": row.account_role, "project_id": row.project_id,
            "project_role": row.project_role, "invited_by": row.invited_by, "created_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat(), "expires_at": row.expires_at.isoformat()}


@bp.get("/<account_id>/invitations")
def invitations(account_id: str):
    """Pending invitations, to members whose role may grant account roles."""
    caller = request_caller()
    _ids(account_id=account_id)
    rows = current_app.extensions["invitations"].pending(caller.realm, account_id, caller.user_id)
    return jsonify({"invitations": [_invitation(r) for r in rows]})


@bp.post("/<account_id>/invitations")
def invite(account_id: str):
    """`{"email": "ann@example.com", "role": "member", "project_id": "...", "project_role": "developer",
    "locale": "en"}`: the email goes out at once; its link is the only way in."""
    caller = request_caller()
    _ids(account_id=account_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("email"), str) or not isinstance(body.get("role"), str):
        raise InvalidParameter('Send a JSON object with email and role, e.g. {"email": "ann@example.com", '
                               '"role": "member"}.', code="invalid_body")
    project_id, project_role = body.get("project_id"), body.get("project_role")
    locale = body.get("locale", "en")
    if not all(v is None or isinstance(v, str) for v in (project_id, project_role)) or locale not in ("en", "ru"):
        raise InvalidParameter("project_id and project_role are strings; locale is en or ru.", code="invalid_body")
    row = current_app.extensions["invitations"].create(
        caller.realm, account_id, caller.user_id, Invite(body["email"], body["role"], project_id, project_role, locale))
    return jsonify(_invitation(row)), 201


@bp.post("/<account_id>/invitations/<invitation_id>/resend")
def resend(account_id: str, invitation_id: str):
    """A new email with a new link (the older link stops working) and a new expiry; after a cooldown."""
    caller = request_caller()
    _ids(account_id=account_id, invitation_id=invitation_id)
    row = current_app.extensions["invitations"].resend(caller.realm, account_id, caller.user_id, invitation_id)
    return jsonify(_invitation(row))


@bp.delete("/<account_id>/invitations/<invitation_id>")
def revoke(account_id: str, invitation_id: str):
    caller = request_caller()
    _ids(account_id=account_id, invitation_id=invitation_id)
    current_app.extensions["invitations"].revoke(caller.realm, account_id, caller.user_id, invitation_id)
    return "", 204


def _name_body() -> object:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "name" not in body:
        raise InvalidParameter('Send a JSON object with the name, e.g. {"name": "Production"}.', code="invalid_body")
    return body["name"]


@bp.post("/<account_id>/projects")
def create_project(account_id: str):
    """`{"name": "Production"}`; the creator gets the tenant's default project role in it."""
    caller = request_caller()
    _ids(account_id=account_id)
    project = current_app.extensions["projects"].create(caller.realm, account_id, caller.user_id, _name_body())
    return jsonify({"id": project.id, "name": project.name}), 201


@bp.patch("/<account_id>/projects/<project_id>")
def rename_project(account_id: str, project_id: str):
    """`{"name": "Staging"}`."""
    caller = request_caller()
    _ids(account_id=account_id, project_id=project_id)
    project = current_app.extensions["projects"].rename(caller.realm, account_id, caller.user_id, project_id,
                                                        _name_body())
    return jsonify({"id": project.id, "name": project.name})


@bp.get("/<account_id>/events")
def events(account_id: str):
    """The newest 100 events of the account (invitations, role changes, removals, projects), to those
    who may manage members."""
    caller = request_caller()
    _ids(account_id=account_id)
    memberships = _memberships()
    settings = memberships.settings(caller.realm)
    actor = memberships.actor_roles(caller.realm, account_id, caller.user_id)
    if not may_manage_members(settings, actor):
        raise RoleRefused("Your role may not read the account's events.")
    return jsonify({"events": [{"type": e.type, "actor": e.actor, "subject": e.subject, "details": e.details,
                                "at": e.at.isoformat()} for e in memberships.events.recent(caller.realm, account_id)]})
