"""/my/<realm>/api-access: the signed-in user turns their API access on or off (seed 004), and reads
what is missing when it cannot be turned on. Command-line tools then sign in through the `cli`
client; Keycloak itself refuses them to users without it."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from babel.dates import format_datetime
from flask import current_app, redirect, render_template, request, url_for

from webhooks.api_access.activation import ApiAccessActivation
from webhooks.domain_errors import DomainError
from webhooks.onboarding.i18n import translate
from webhooks.page_language import page_locale
from webhooks.pats.tokens import Created
from webhooks.portal.sign_in import SignedInUser
from webhooks.portal.views import bp, signed_in_page
from webhooks.step_errors import StepRefused

ACTIONS = ("activate", "deactivate")


def _activation() -> ApiAccessActivation:
    return current_app.extensions["api_access"]


def _page(realm: str, user: SignedInUser, error: str | None = None, status: int = 200, created: Created | None = None):
    locale = page_locale()
    keycloak = current_app.extensions["keycloak"]
    memberships = current_app.extensions["memberships"]
    accounts = memberships.accounts_of(realm, user.user_id) if memberships.settings_or_none(realm) else []
    names = {a["id"]: f"{a['name']} ({a['number']})" for a in accounts}

    def when(moment: datetime | None) -> str:
        return format_datetime(moment, "medium", locale=locale) if moment else translate(locale, "tokens.never")

    tokens = [{"id": r.id, "name": r.name, "hint": r.hint, "account": names.get(r.account_id, r.account_id or ""),
               "created": when(r.created_at), "used": when(r.last_used_at), "expires": when(r.expires_at)}
              for r in current_app.extensions["pats"].of_user(realm, user.user_id)]
    return render_template(
        "portal/api_access.html", t=partial(translate, locale), locale=locale, realm=realm, user=user, error=error,
        state=_activation().state(realm, user.user_id), changed=request.args.get("changed"),
        tokens=tokens, accounts=accounts, created=created, max_days=_activation().settings(realm).token_max_days,
        page_title=translate(locale, "api_access.title"), tenant_name=keycloak.display_name(realm),
        # Keycloak's account console, where the user sets up an authenticator app.
        security_url=f"{current_app.config['SERVICE'].issuer_base}/realms/{realm}/account/account-security/signing-in",
    ), status


def _in_words(exc: DomainError, realm: str) -> str:
    """A token refusal in the page's language (the JSON API answers in English)."""
    key = f"tokens.error.{exc.code}"
    words = translate(page_locale(), key, max=_activation().settings(realm).token_max_days)
    return exc.message if words == key else words


@bp.get("/api-access")
@signed_in_page
def api_access(realm: str, user: SignedInUser):
    return _page(realm, user)


@bp.post("/api-access/tokens")
@signed_in_page
def create_token(realm: str, user: SignedInUser):
    """The new secret is shown on this answer only: never in a URL, never stored."""
    days = request.form.get("days", "")
    try:
        created = current_app.extensions["pats"].create(
            realm, user.user_id, request.form.get("name", ""), int(days) if days.isdigit() else 0,
            request.form.get("account") or None)
    except DomainError as exc:
        return _page(realm, user, error=_in_words(exc, realm), status=exc.status)
    return _page(realm, user, created=created, status=201)


@bp.post("/api-access/tokens/<token_id>/revoke")
@signed_in_page
def revoke_token(realm: str, user: SignedInUser, token_id: str):
    try:
        current_app.extensions["pats"].revoke(realm, token_id, by=user.user_id, owner=user.user_id)
    except DomainError as exc:
        return _page(realm, user, error=_in_words(exc, realm), status=exc.status)
    return redirect(url_for(".api_access", realm=realm, changed="revoked"))


@bp.post("/api-access/<action>")
@signed_in_page
def api_access_action(realm: str, user: SignedInUser, action: str):
    if action not in ACTIONS:
        return _page(realm, user, status=404)
    try:
        if action == "activate":
            _activation().activate(realm, user.user_id)
        else:
            _activation().deactivate(realm, user.user_id)
    except StepRefused as exc:
        return _page(realm, user, error=translate(page_locale(), exc.key, **exc.params), status=exc.status)
    return redirect(url_for(".api_access", realm=realm, changed=action))
