"""/my/<realm>/...: the signed-in user's balance page (balance, ledger entries, bound card, auto top-up
they may change), linking a card later when sign-up did not ask for one (seed 004), and signing in
and out of these pages through the realm."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from babel.dates import format_datetime
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from webhooks.api.bearer import REALM_NAME
from webhooks.balance import ledger
from webhooks.balance.auto_top_up import page_fields, read_choice
from webhooks.balance.money import formatted, to_minor
from webhooks.cards.account_link import bank_code_address, mark_card_bound
from webhooks.cards.card_input import read_card
from webhooks.domain_errors import DomainError
from webhooks.onboarding.i18n import translate
from webhooks.page_language import error_page, page_locale
from webhooks.portal.sign_in import PortalSignIn, SignedInUser
from webhooks.query_params import bounded_text
from webhooks.step_errors import StepRefused

bp = Blueprint("portal", __name__, url_prefix="/my/<realm>")
RETURN_KEY = "portal_return_to"


def _sign_in() -> PortalSignIn:
    return current_app.extensions["portal_sign_in"]


def _realm(realm: str) -> str:
    if not REALM_NAME.match(realm) or not current_app.extensions["keycloak"].realm_exists(realm):
        abort(404)
    return realm


def signed_in_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """A page of a realm's signed-in user; anyone else is sent to sign in through the realm first."""
    @wraps(view)
    def page(realm: str, **path: str):
        realm = _realm(realm)
        user = _sign_in().current(realm)
        if user is None:
            if request.method == "GET":  # back here after signing in (with the query: an invitation's secret)
                session[RETURN_KEY] = request.full_path.rstrip("?")
            return redirect(url_for(".sign_in", realm=realm))
        return view(realm, user, **path)

    return page


bp.register_error_handler(DomainError, error_page)


@bp.get("/sign-in")
def sign_in(realm: str):
    realm = _realm(realm)
    return _sign_in().client(realm).authorize_redirect(_sign_in().redirect_uri(realm), ui_locales=page_locale())


@bp.get("/sign-up")
def sign_up(realm: str):
    """The tenant's hosted registration (OIDC prompt=create), then back to this realm's pages signed in:
    where the provider chooser sends a visitor when the tenant names no sign-up page of its own."""
    realm = _realm(realm)
    # The email the visitor gave the provider chooser (seed 000), for Keycloak to fill in; bounded, and
    # only ever a hint: the form still checks whatever is submitted.
    hint = bounded_text(request.args, "login_hint", 320)
    return _sign_in().client(realm).authorize_redirect(_sign_in().redirect_uri(realm), ui_locales=page_locale(),
                                                       prompt="create", **({"login_hint": hint} if hint else {}))


@bp.get("/signed-in")
def signed_in(realm: str):
    realm = _realm(realm)
    try:
        token = _sign_in().client(realm).authorize_access_token()
    except Exception as exc:  # authlib's OAuthError, a mismatched state, Keycloak's error answer
        current_app.logger.info("sign-in to the service's pages failed in %s: %s", realm, type(exc).__name__)
        raise DomainError("Signing in did not complete. Please try again.", code="sign_in_failed",
                          status=400) from None
    _sign_in().remember(realm, token["userinfo"])
    back = session.pop(RETURN_KEY, None)
    # Only a page of this realm's portal: never an open redirect.
    if isinstance(back, str) and back.startswith(f"/my/{realm}/") and "//" not in back:
        return redirect(back)
    return redirect(url_for(".balance", realm=realm))


@bp.post("/sign-out")
def sign_out(realm: str):
    realm = _realm(realm)
    _sign_in().forget(realm)
    return redirect(_sign_in().logout_url(realm))


def _page(realm: str, user: SignedInUser, error: str | None = None, saved: bool = False, status: int = 200):
    locale = page_locale()
    settings = current_app.extensions["onboarding"].step(realm, "card")
    with current_app.extensions["db_sessions"]() as session:
        totals = ledger.balance(session, realm, user.user_id)
        entries = ledger.entries(session, realm, user.user_id)
    return render_template(
        "portal/balance.html", t=partial(translate, locale), locale=locale, realm=realm, user=user, error=error,
        saved=saved, tenant_name=current_app.extensions["keycloak"].display_name(realm),
        page_title=translate(locale, "balance.title"),
        totals=[formatted(v, c, locale) for c, v in sorted(totals.items())],
        entries=[{"kind": e.kind, "amount": formatted(e.amount_minor, e.currency, locale),
                  "date": format_datetime(e.created_at, "medium", locale=locale)} for e in entries],
        card=current_app.extensions["cards"].bound(realm, user.user_id), linked=request.args.get("linked") == "1",
        choice=current_app.extensions["top_ups"].choice(realm, user.user_id),
        takes_cards=settings is not None, **page_fields(settings)), status


@bp.get("/balance")
@signed_in_page
def balance(realm: str, user: SignedInUser):
    return _page(realm, user, saved=request.args.get("saved") == "1")


@bp.post("/auto-top-up")
@signed_in_page
def auto_top_up(realm: str, user: SignedInUser):
    settings = current_app.extensions["onboarding"].step(realm, "card")
    try:
        current_app.extensions["top_ups"].save(realm, user.user_id, read_choice(request.form, settings))
    except StepRefused as exc:
        return _page(realm, user, error=translate(page_locale(), exc.key, **exc.params), status=422)
    return redirect(url_for(".balance", realm=realm, saved=1))


def _card_settings(realm: str):
    settings = current_app.extensions["onboarding"].step(realm, "card")
    if settings is None:
        raise DomainError(translate(page_locale(), "card.not_taken"), code="no_card_step", status=404)
    return settings


def _card_page(realm: str, user: SignedInUser, error: str | None = None, status: int = 200):
    locale = page_locale()
    settings = _card_settings(realm)
    cards = current_app.extensions["cards"]
    return render_template(
        "portal/card.html", t=partial(translate, locale), locale=locale, realm=realm, user=user, error=error,
        tenant_name=current_app.extensions["keycloak"].display_name(realm),
        page_title=translate(locale, "balance.link_card"),
        state=cards.state(realm, user.user_id), attempt=cards.new_attempt(),
        charge=formatted(to_minor(settings.test_charge, settings.currency), settings.currency, locale)
        if settings.test_charge else None, refunded=settings.refund_test_charge,
        card_urls={action: url_for(".card_action", realm=realm, action=action)
                   for action in ("bind", "confirm", "other_card")}), status


@bp.get("/card")
@signed_in_page
def card(realm: str, user: SignedInUser):
    """Link a card after sign-up; the same form, checks and 3-D Secure as the wizard's card step."""
    state = current_app.extensions["cards"].state(realm, user.user_id)
    if state.bound is not None and not state.challenge_last4:
        return redirect(url_for(".balance", realm=realm))
    return _card_page(realm, user)


@bp.post("/card/<action>")
@signed_in_page
def card_action(realm: str, user: SignedInUser, action: str):
    settings, cards = _card_settings(realm), current_app.extensions["cards"]
    gateway = current_app.extensions["keycloak"]
    try:
        if action == "bind":
            if cards.bound(realm, user.user_id) is not None:
                raise StepRefused("card.already_linked")
            back = f"{current_app.config['SERVICE'].public_url}/my/{realm}/card"
            bound = cards.bind(settings, realm, user.user_id, request.form.get("attempt", ""),
                               read_card(request.form, cards.now()), bank_code_address(gateway, realm, user.user_id),
                               back)
        elif action == "confirm":
            cards.confirm(settings, realm, user.user_id, request.form.get("code", ""))
            bound = True
        elif action == "other_card":
            cards.abandon_challenge(realm, user.user_id)
            return redirect(url_for(".card", realm=realm))
        else:
            abort(404)
    except StepRefused as exc:
        return _card_page(realm, user, error=translate(page_locale(), exc.key, **exc.params), status=exc.status)
    if not bound:
        return redirect(url_for(".card", realm=realm))  # the bank asks for 3-D Secure first
    mark_card_bound(gateway, realm, user.user_id)
    return redirect(url_for(".balance", realm=realm, linked=1))
