"""Attacks 2 and 8 on onboarding: a declared step the service cannot run never lets onboarding
complete; a leaked hand-over link shows nothing in a second browser; an email code confirms only the
address it was sent to; a support link cannot run script; hand-overs signed with anything but the
realm's own hand-over key are refused."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlparse

from joserfc import jwt
from joserfc.jwk import OctKey

from tests.support.onboarding import email_code, handover_link, realm_key
from tests.support.pages import Page
from tests.support.stack import create_user
from webhooks.onboarding.keys import HANDOVER, RESULT

PASSWORD = "Sunny-Harbor7"
PHONE = {"kind": "phone", "allowed_countries": ["RU"]}


def _publish(admin, realm: str, onboarding: dict) -> None:
    """Write the realm's onboarding section directly, as a careless admin could (bypassing validate)."""
    representation = admin.get_realm(realm)
    attributes = {**(representation.get("attributes") or {}), "idp.onboarding": json.dumps(onboarding)}
    admin.update_realm(realm, {"attributes": attributes})


def test_a_step_the_service_cannot_run_stops_onboarding(make_tenant, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [PHONE]})
    # A kind this service does not know (a newer `idp`, or a hand edit): never skipped, never run.
    _publish(admin, tenant.realm, {"enforce": "login", "steps": [PHONE, {"kind": "fax_check"}]})
    user_id, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    assert isinstance(page, Page) and page.status == 503, page if isinstance(page, str) else page.text[:300]
    assert "requires a step that is not available" in page.text
    assert page.soup.find(id="phone-form") is None and "Step 1 of 1" not in page.text
    admin.change_current_realm(tenant.realm)
    user = admin.get_user(user_id)
    assert "onboardingCompleted" not in (user.get("attributes") or {})
    assert "onboarding" in user.get("requiredActions", []), "Keycloak still waits for onboarding"


def test_a_handover_link_opened_in_a_second_browser_shows_nothing(make_tenant, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [PHONE]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    owner = tenant.browser()
    link = handover_link(owner, email, PASSWORD)
    first = owner.open(link)
    assert first.status == 200 and first.soup.find(id="phone-form") is not None
    stranger = tenant.browser()
    second = stranger.open(link)
    assert second.status == 403 and "opened in another browser" in second.text
    assert email not in second.text and second.soup.find("form") is None
    assert owner.open(first.url).soup.find(id="phone-form") is not None, "the owner carries on"


def test_an_email_code_confirms_only_the_address_it_was_sent_to(make_tenant, stack, admin):
    tenant = make_tenant("console", onboarding={"enforce": "login", "steps": [{"kind": "email_code"}]})
    user_id, email = create_user(admin, tenant.realm, onboarded=False, emailVerified=False)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    page = browser.submit(page, {}, "email-send-form")
    code = email_code(stack.inbox, email)
    changed = f"changed-{email}"
    admin.change_current_realm(tenant.realm)
    admin.update_user(user_id, {"email": changed, "username": changed})
    refused = browser.submit(page, {"code": code}, "email-verify-form")
    assert isinstance(refused, Page) and "changed after the code was sent" in refused.soup.find(id="error").text
    assert admin.get_user(user_id)["emailVerified"] is False


def test_a_support_link_that_is_not_http_or_mailto_never_reaches_a_page(make_tenant, admin):
    """Settings edited by hand past `idp validate` are parsed with the same models: they fail closed."""
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [PHONE]})
    _publish(admin, tenant.realm, {"enforce": "login", "steps": [{**PHONE, "support_url": "javascript:alert(1)"}]})
    user_id, email = create_user(admin, tenant.realm, onboarded=False)
    page = tenant.browser().login(email, PASSWORD)
    assert page.status == 503 and "javascript:" not in str(page.soup)
    admin.change_current_realm(tenant.realm)
    assert "onboardingCompleted" not in (admin.get_user(user_id).get("attributes") or {})


def test_handovers_signed_with_the_shared_secret_or_another_realms_key_are_refused(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [PHONE]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    link = handover_link(tenant.browser(), email, PASSWORD)
    secret = stack.secrets.onboarding_secret
    claims = dict(jwt.decode(parse_qs(urlparse(link).query)["token"][0],
                             realm_key(secret, tenant.realm, HANDOVER), algorithms=["HS256"]).claims)
    for key in (OctKey.import_key(base64.b64decode(secret)), realm_key(secret, "paas", HANDOVER),
                realm_key(secret, tenant.realm, RESULT)):
        forged = jwt.encode({"alg": "HS256"}, {**claims, "jti": claims["jti"] + "x"}, key)
        page = tenant.browser().open(f"{stack.settings.service_url}/onboarding/start", token=forged)
        assert page.status == 400 and "invalid or has expired" in page.text
