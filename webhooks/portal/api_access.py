"""/my/<realm>/api-access: the signed-in user turns their API access on or off (seed 004), and reads
what is missing when it cannot be turned on. Command-line tools then sign in through the `cli`
client; Keycloak itself refuses them to users without it."""

from __future__ import annotations

from functools import partial

from flask import current_app, redirect, render_template, request, url_for

from webhooks.api_access.activation import ApiAccessActivation
from webhooks.onboarding.i18n import translate
from webhooks.page_language import page_locale
from webhooks.portal.sign_in import SignedInUser
from webhooks.portal.views import bp, signed_in_page
from webhooks.step_errors import StepRefused

ACTIONS = ("activate", "deactivate")


def _activation() -> ApiAccessActivation:
    return current_app.extensions["api_access"]


def _page(realm: str, user: SignedInUser, error: str | None = None, status: int = 200):
    locale = page_locale()
    keycloak = current_app.extensions["keycloak"]
    return render_template(
        "portal/api_access.html", t=partial(translate, locale), locale=locale, realm=realm, user=user, error=error,
        state=_activation().state(realm, user.user_id), changed=request.args.get("changed"),
        page_title=translate(locale, "api_access.title"), tenant_name=keycloak.display_name(realm),
        # Keycloak's account console, where the user sets up an authenticator app.
        security_url=f"{current_app.config['SERVICE'].issuer_base}/realms/{realm}/account/account-security/signing-in",
    ), status


@bp.get("/api-access")
@signed_in_page
def api_access(realm: str, user: SignedInUser):
    return _page(realm, user)


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
