"""/my/<realm>/invitations/<id>?t=<secret>: the invitation an email links to. The visitor signs in
through the realm first (or registers there), then sees what they are invited to and accepts; a
used, withdrawn or expired invitation, a wrong link or another signed-in email gets a page that
says so, and nothing changes."""

from __future__ import annotations

from functools import partial

from flask import current_app, render_template, request, session, url_for

from contract.names import INVITATION_PARAM
from webhooks.accounts.invitations import InvitationRow
from webhooks.domain_errors import DomainError
from webhooks.onboarding.i18n import translate
from webhooks.onboarding.tokens import sign_invitation_hint
from webhooks.page_language import page_locale
from webhooks.portal.sign_in import SignedInUser
from webhooks.portal.views import RETURN_KEY, _realm, _sign_in, bp, signed_in_page


def _page(realm: str, user: SignedInUser | None, row: InvitationRow, secret: str, accepted: bool = False):
    locale = page_locale()
    settings = current_app.extensions["memberships"].settings(realm)
    return render_template(
        "portal/invitation.html", t=partial(translate, locale), locale=locale, realm=realm, user=user, row=row,
        secret=secret, accepted=accepted, page_title=translate(locale, "invitation.title"),
        tenant_name=current_app.extensions["keycloak"].display_name(realm),
        role=settings.role_name(row.account_role, locale),
        project_role=settings.role_name(row.project_role, locale) if row.project_role else None)


@bp.get("/invitations/<invitation_id>")
def invitation(realm: str, invitation_id: str):
    """What the invitation is; signed in, the accept button; else sign in, or register with the
    invited email."""
    realm = _realm(realm)
    secret = request.args.get("t", "")
    row = current_app.extensions["invitations"].open(realm, invitation_id, secret)
    return _page(realm, _sign_in().current(realm), row, secret)


def _to_keycloak(realm: str, invitation_id: str, **params: str):
    secret = request.args.get("t", "")
    row = current_app.extensions["invitations"].open(realm, invitation_id, secret)
    session[RETURN_KEY] = url_for(".invitation", realm=realm, invitation_id=invitation_id, t=secret)
    return row, _sign_in().client(realm).authorize_redirect(_sign_in().redirect_uri(realm), ui_locales=page_locale(),
                                                            login_hint=row.email, **params)


@bp.get("/invitations/<invitation_id>/sign-in")
def invitation_sign_in(realm: str, invitation_id: str):
    return _to_keycloak(_realm(realm), invitation_id)[1]


@bp.get("/invitations/<invitation_id>/register")
def invitation_register(realm: str, invitation_id: str):
    """The realm's registration form with the invited email filled in and fixed (our form action
    checks the signed hint), and verified on success: the link proved the address."""
    realm = _realm(realm)
    keys = current_app.extensions["onboarding_keys"]
    if keys is None:
        raise DomainError("Registration by invitation is not set up on this service.", code="not_configured",
                          status=503)
    row = current_app.extensions["invitations"].open(realm, invitation_id, request.args.get("t", ""))
    hint = sign_invitation_hint(keys, realm=realm, email=row.email)
    return _to_keycloak(realm, invitation_id, prompt="create", **{INVITATION_PARAM: hint})[1]


@bp.post("/invitations/<invitation_id>/accept")
@signed_in_page
def accept(realm: str, user: SignedInUser, invitation_id: str):
    secret = request.form.get("t", "")
    row = current_app.extensions["invitations"].accept(realm, invitation_id, secret, user.user_id)
    return _page(realm, user, row, "", accepted=True)
