"""The language and the error page of the service's HTML pages (the wizard and the user's own
pages): one rule for both, so a user who picked Russian in the wizard reads their balance in it."""

from __future__ import annotations

from functools import partial

from flask import render_template, request, session

from webhooks.domain_errors import DomainError
from webhooks.onboarding.i18n import SUPPORTED, translate


def page_locale(preferred: str | None = None) -> str:
    """`?lang=` (remembered in the session), else the session's, else `preferred` (e.g. the sign-in's),
    else the browser's Accept-Language, else English."""
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in SUPPORTED:
        session["lang"] = chosen
        return chosen
    if preferred in SUPPORTED:
        return preferred
    return request.accept_languages.best_match(SUPPORTED) or "en"


def error_page(exc: DomainError):
    """The error in the user's language: each error code has its message in the bundles."""
    locale = page_locale()
    t = partial(translate, locale)
    key = f"error.{exc.code}"
    message = t(key) if t(key) != key else exc.message
    return render_template("onboarding/error.html", t=t, locale=locale, message=message), exc.status
