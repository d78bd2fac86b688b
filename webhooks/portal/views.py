"""/my/<realm>/...: the signed-in user's balance page (balance, ledger entries, bound card, auto top-up
they may change), and signing in and out of it through the realm."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial, wraps
from typing import Any

from babel.dates import format_datetime
from babel.numbers import format_currency
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from contract.onboarding import CardStep
from webhooks.api.bearer import REALM_NAME
from webhooks.balance import ledger
from webhooks.balance.auto_top_up import AutoTopUps, read_choice
from webhooks.balance.money import as_decimal
from webhooks.domain_errors import DomainError
from webhooks.onboarding.i18n import SUPPORTED, translate
from webhooks.portal.sign_in import PortalSignIn, SignedInUser
from webhooks.step_errors import StepRefused

bp = Blueprint("portal", __name__, url_prefix="/my/<realm>")


def _sign_in() -> PortalSignIn:
    return current_app.extensions["portal_sign_in"]


def _locale() -> str:
    from webhooks.onboarding.views import _locale as wizard_locale  # one rule for the language

    return wizard_locale()


def _realm(realm: str) -> str:
    if not REALM_NAME.match(realm) or not current_app.extensions["keycloak"].realm_exists(realm):
        abort(404)
    return realm


def _card_settings(realm: str) -> CardStep | None:
    return current_app.extensions["onboarding"].step(realm, "card")


def signed_in_page(view: Callable[[str, SignedInUser], Any]) -> Callable[[str], Any]:
    """A page of a realm's signed-in user; anyone else is sent to sign in through the realm first."""
    @wraps(view)
    def page(realm: str):
        realm = _realm(realm)
        user = _sign_in().current(realm)
        if user is None:
            return redirect(url_for(".sign_in", realm=realm))
        return view(realm, user)

    return page


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError):
    t = partial(translate, _locale())
    key = f"error.{exc.code}"
    return render_template("onboarding/error.html", t=t, locale=_locale(),
                           message=t(key) if t(key) != key else exc.message), exc.status


@bp.get("/sign-in")
def sign_in(realm: str):
    realm = _realm(realm)
    return _sign_in().client(realm).authorize_redirect(_sign_in().redirect_uri(realm),
                                                       ui_locales=_locale() if _locale() in SUPPORTED else None)


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
    return redirect(url_for(".balance", realm=realm))


@bp.post("/sign-out")
def sign_out(realm: str):
    realm = _realm(realm)
    _sign_in().forget(realm)
    return redirect(_sign_in().logout_url(realm))


def _money(minor: int, currency: str, locale: str) -> str:
    return format_currency(Decimal(as_decimal(minor, currency)), currency, locale=locale)


def _page(realm: str, user: SignedInUser, error: str | None = None, saved: bool = False, status: int = 200):
    locale = _locale()
    with current_app.extensions["db_sessions"]() as session:
        totals = ledger.balance(session, realm, user.user_id)
        entries = ledger.entries(session, realm, user.user_id)
    settings = _card_settings(realm)
    top_ups: AutoTopUps = current_app.extensions["top_ups"]
    choice = top_ups.get(realm, user.user_id)
    return render_template(
        "portal/balance.html", t=partial(translate, locale), locale=locale, realm=realm, user=user, error=error,
        saved=saved, tenant_name=current_app.extensions["keycloak"].display_name(realm),
        page_title=translate(locale, "balance.title"),
        totals=[_money(v, c, locale) for c, v in sorted(totals.items())],
        entries=[{"kind": e.kind, "amount": _money(e.amount_minor, e.currency, locale),
                  "date": format_datetime(e.created_at, "medium", locale=locale)} for e in entries],
        card=current_app.extensions["cards"].bound(realm, user.user_id),
        top_up=settings.auto_top_up if settings and settings.auto_top_up.offered else None,
        top_up_range={"low": settings.auto_top_up.min_amount, "high": settings.auto_top_up.max_amount,
                      "max_threshold": settings.auto_top_up.max_threshold,
                      "currency": settings.currency} if settings else {},
        choice=choice, choice_units={"amount": as_decimal(choice.amount_minor, choice.currency).split(".")[0],
                                     "threshold": as_decimal(choice.threshold_minor, choice.currency).split(".")[0]}
        if choice and choice.enabled else None), status


@bp.get("/balance")
@signed_in_page
def balance(realm: str, user: SignedInUser):
    return _page(realm, user, saved=request.args.get("saved") == "1")


@bp.post("/auto-top-up")
@signed_in_page
def auto_top_up(realm: str, user: SignedInUser):
    settings = _card_settings(realm)
    try:
        if settings is None:
            raise StepRefused("top_up.not_offered")
        current_app.extensions["top_ups"].save(realm, user.user_id, read_choice(request.form, settings))
    except StepRefused as exc:
        return _page(realm, user, error=translate(_locale(), exc.key, **exc.params), status=422)
    return redirect(url_for(".balance", realm=realm, saved=1))
