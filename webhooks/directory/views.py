"""/providers: the public list of providers, with a search box, each leading to its sign-up."""

from __future__ import annotations

from functools import partial

from email_validator import EmailNotValidError, validate_email
from flask import Blueprint, current_app, render_template, request

from webhooks.directory.listing import providers, search
from webhooks.onboarding.i18n import translate
from webhooks.page_language import page_locale
from webhooks.query_params import bounded_text

bp = Blueprint("directory", __name__, url_prefix="/providers")
SEARCH_BOX_FROM = 6  # fewer providers than this fit on one screen without a search box


@bp.get("")
def chooser():
    locale = page_locale()
    gateway = current_app.extensions["keycloak"]
    # The tenants this service is configured for (IDP_SERVICE_REALMS); those with an entry are listed.
    listed = providers(current_app.config["SERVICE"].realms, gateway.directory_entry, gateway.display_name, locale,
                       lambda realm, why: current_app.logger.warning("provider chooser: %s: %s", realm, why))
    query = bounded_text(request.args, "q", 100) or ""
    shown = search(listed, query) if query else listed
    # Seed 000: the visitor gives their email first; each provider's sign-up form then has it filled in.
    email = bounded_text(request.args, "email", 320) or ""
    email_error = None
    if email:
        try:
            # Only a hint (Keycloak's form checks what is submitted), so reserved test domains pass too.
            email = validate_email(email, check_deliverability=False, test_environment=True).normalized
        except EmailNotValidError:
            email_error = translate(locale, "providers.email_invalid")
    return render_template("directory/providers.html", t=partial(translate, locale), locale=locale,
                           page_title=translate(locale, "providers.title"), providers=shown, query=query,
                           email=email, email_error=email_error,
                           login_hint=email if email and not email_error else None,
                           # With few providers no box, unless the visitor came to search (?q=, even empty).
                           searchable=len(listed) >= SEARCH_BOX_FROM or "q" in request.args)
