"""/my/<realm>/invitations/<id>?t=<secret>: the invitation an email links to. The visitor signs in
through the realm first (or registers there), then sees what they are invited to and accepts; a
used, withdrawn or expired invitation, a wrong link or another signed-in email gets a page that
says so, and nothing changes."""

from __future__ import annotations

from functools import partial

from flask import current_app, render_template, request

from webhooks.accounts.invitations import InvitationRow
from webhooks.onboarding.i18n import translate
from webhooks.page_language import page_locale
from webhooks.portal.sign_in import SignedInUser
from webhooks.portal.views import bp, signed_in_page


def _role_name(realm: str, role_id: str, locale: str) -> str:
    role = current_app.extensions["memberships"].settings(realm).role(role_id)
    return (getattr(role.names, locale, None) or role.names.en) if role else role_id


def _page(realm: str, user: SignedInUser, row: InvitationRow, secret: str, accepted: bool = False):
    locale = page_locale()
    return render_template(
        "portal/invitation.html", t=partial(translate, locale), locale=locale, realm=realm, user=user, row=row,
        secret=secret, accepted=accepted, page_title=translate(locale, "invitation.title"),
        tenant_name=current_app.extensions["keycloak"].display_name(realm),
        role=_role_name(realm, row.account_role, locale),
        project_role=_role_name(realm, row.project_role, locale) if row.project_role else None)


@bp.get("/invitations/<invitation_id>")
@signed_in_page
def invitation(realm: str, user: SignedInUser, invitation_id: str):
    secret = request.args.get("t", "")
    row = current_app.extensions["invitations"].open(realm, invitation_id, secret)
    return _page(realm, user, row, secret)


@bp.post("/invitations/<invitation_id>/accept")
@signed_in_page
def accept(realm: str, user: SignedInUser, invitation_id: str):
    secret = request.form.get("t", "")
    row = current_app.extensions["invitations"].accept(realm, invitation_id, secret, user.user_id)
    return _page(realm, user, row, "", accepted=True)
