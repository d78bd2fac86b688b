"""/my/<realm>/accounts: the signed-in user's accounts, and one account's page: members with their
roles (change, remove), pending invitations (invite, resend, revoke) and projects (create, rename,
members' project roles). Each form calls the same domain the JSON API calls, so the rules (the grant
table against the live assignment, the last owner) are the same; a refusal shows on the page."""

from __future__ import annotations

from functools import partial

from flask import current_app, redirect, render_template, request, url_for

from webhooks.accounts.invitations import Invite
from webhooks.accounts.memberships import account_name
from webhooks.accounts.rules import may_manage_members, may_manage_projects
from webhooks.accounts.status import status_of
from webhooks.domain_errors import DomainError
from webhooks.onboarding.i18n import translate
from webhooks.page_language import page_locale
from webhooks.portal.sign_in import SignedInUser
from webhooks.portal.views import bp, signed_in_page


def _names(realm: str, locale: str) -> dict[str, str]:
    settings = current_app.extensions["memberships"].settings(realm)
    return {r.id: settings.role_name(r.id, locale) for r in settings.account_roles + settings.project_roles}


@bp.get("/accounts")
@signed_in_page
def accounts(realm: str, user: SignedInUser):
    locale = page_locale()
    mine = current_app.extensions["memberships"].accounts_of(realm, user.user_id)
    return render_template("portal/accounts.html", t=partial(translate, locale), locale=locale, realm=realm,
                           user=user, accounts=mine, roles=_names(realm, locale),
                           page_title=translate(locale, "accounts.title"),
                           tenant_name=current_app.extensions["keycloak"].display_name(realm))


def _account_page(realm: str, user: SignedInUser, org_id: str, error: str | None = None, status: int = 200):
    locale = page_locale()
    memberships = current_app.extensions["memberships"]
    settings = memberships.settings(realm)
    account, actor = memberships.membership(realm, org_id, user.user_id)
    manages = may_manage_members(settings, actor)
    projects = memberships.projects(realm, org_id)
    mine = actor.account_role or ""
    grantable = [r.id for r in settings.account_roles if settings.may_grant(mine, r.id)]
    project_grantable = [r.id for r in settings.project_roles if settings.may_grant(mine, r.id)]
    return render_template(
        "portal/account.html", t=partial(translate, locale), locale=locale, realm=realm, user=user, error=error,
        org_id=org_id, name=account_name(account), number=account.get("alias", ""), my_role=actor.account_role,
        account_status=status_of(account),
        members=memberships.members(realm, org_id, user.user_id), projects=projects, manages=manages,
        manages_projects=may_manage_projects(settings, actor), grantable=grantable,
        project_grantable=project_grantable, roles=_names(realm, locale),
        invitations=current_app.extensions["invitations"].pending(realm, org_id, user.user_id) if manages else [],
        done=request.args.get("done"), page_title=account_name(account),
        tenant_name=current_app.extensions["keycloak"].display_name(realm)), status


@bp.get("/accounts/<org_id>")
@signed_in_page
def account(realm: str, user: SignedInUser, org_id: str):
    return _account_page(realm, user, org_id)


def _act(realm: str, user: SignedInUser, org_id: str, done: str, action):
    """Run a form's action; on a refusal show the page again with the reason."""
    try:
        action()
    except DomainError as exc:
        if exc.status in (404, 503):
            raise
        key = f"error.{exc.code}"
        message = translate(page_locale(), key)
        return _account_page(realm, user, org_id, error=exc.message if message == key else message,
                             status=exc.status)
    return redirect(url_for(".account", realm=realm, org_id=org_id, done=done))


@bp.post("/accounts/<org_id>/members/<member_id>/role")
@signed_in_page
def member_role(realm: str, user: SignedInUser, org_id: str, member_id: str):
    role = request.form.get("role", "")
    return _act(realm, user, org_id, "role", lambda: current_app.extensions["memberships"].change_account_role(
        realm, org_id, user.user_id, member_id, role))


@bp.post("/accounts/<org_id>/members/<member_id>/remove")
@signed_in_page
def member_remove(realm: str, user: SignedInUser, org_id: str, member_id: str):
    return _act(realm, user, org_id, "removed", lambda: current_app.extensions["memberships"].remove(
        realm, org_id, user.user_id, member_id))


@bp.post("/accounts/<org_id>/project-role")
@signed_in_page
def project_role(realm: str, user: SignedInUser, org_id: str):
    form = request.form
    role = form.get("role") or None
    return _act(realm, user, org_id, "project_role", lambda: current_app.extensions["memberships"].set_project_role(
        realm, org_id, user.user_id, form.get("member", ""), form.get("project", ""), role))


@bp.post("/accounts/<org_id>/invitations")
@signed_in_page
def invite(realm: str, user: SignedInUser, org_id: str):
    form = request.form
    project = form.get("project") or None
    invite = Invite(form.get("email", ""), form.get("role", ""), project, form.get("project_role") or None
                    if project else None, page_locale())
    return _act(realm, user, org_id, "invited", lambda: current_app.extensions["invitations"].create(
        realm, org_id, user.user_id, invite))


@bp.post("/accounts/<org_id>/invitations/<invitation_id>/resend")
@signed_in_page
def resend(realm: str, user: SignedInUser, org_id: str, invitation_id: str):
    return _act(realm, user, org_id, "resent", lambda: current_app.extensions["invitations"].resend(
        realm, org_id, user.user_id, invitation_id))


@bp.post("/accounts/<org_id>/invitations/<invitation_id>/revoke")
@signed_in_page
def revoke(realm: str, user: SignedInUser, org_id: str, invitation_id: str):
    return _act(realm, user, org_id, "revoked", lambda: current_app.extensions["invitations"].revoke(
        realm, org_id, user.user_id, invitation_id))


@bp.post("/accounts/<org_id>/projects")
@signed_in_page
def create_project(realm: str, user: SignedInUser, org_id: str):
    name = request.form.get("name", "")
    return _act(realm, user, org_id, "project_created", lambda: current_app.extensions["projects"].create(
        realm, org_id, user.user_id, name))


@bp.post("/accounts/<org_id>/projects/<project_id>/rename")
@signed_in_page
def rename_project(realm: str, user: SignedInUser, org_id: str, project_id: str):
    name = request.form.get("name", "")
    return _act(realm, user, org_id, "project_renamed", lambda: current_app.extensions["projects"].rename(
        realm, org_id, user.user_id, project_id, name))
