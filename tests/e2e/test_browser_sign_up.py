"""The whole sign-up in a real browser: hosted registration page, email link from the dev inbox,
account details, phone code from the dev inbox, and back in the relying app with a token that
says the phone is verified."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

from authlib.oauth2.rfc7636 import create_s256_code_challenge

from tests.support.inbox import first_link
from tests.support.oidc import exchange_code, verify_id_token
from tests.support.onboarding import phone_code, random_ru_mobile

PHONE_RU = {"kind": "phone", "allowed_countries": ["RU"], "channel": "sms", "code_length": 4}
DETAILS = {"kind": "account_details", "business_accounts": True}
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".idp-test" / "screenshots"


def _app_callback(page, redirect_uri: str) -> dict:
    """Stand in for the relying app at its redirect URI: remember the query it was called with."""
    seen: dict = {}

    def answer(route):
        seen.update(parse_qs(urlparse(route.request.url).query))
        route.fulfill(status=200, content_type="text/html", body="<h1>Relying app</h1>")

    page.route(f"{redirect_uri}**", answer)
    return seen


def test_sign_up_verify_email_onboard_and_land_in_the_app(make_tenant, stack, page):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [DETAILS, PHONE_RU]})
    oidc = tenant.browser()  # holds PKCE verifier, state and nonce for the code exchange below
    callback = _app_callback(page, oidc.redirect_uri)
    params = oidc._auth_params()
    assert params["code_challenge"] == create_s256_code_challenge(oidc.verifier)
    email = f"browser-{uuid.uuid4().hex[:8]}@example.test"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{oidc.realm_url}/protocol/openid-connect/registrations?{urlencode(params)}")
    page.fill("#email", email)
    page.fill("#password", "Sunny-Harbor7")
    page.fill("#password-confirm", "Sunny-Harbor7")
    page.fill("#firstName", "Anna")
    page.fill("#lastName", "Petrova")
    page.check("#termsAccepted")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_selector("text=verify your email address")

    page.goto(first_link(stack.inbox.wait_for(email)[0], "action-token"))
    page.wait_for_selector("#progress")
    assert "Step 1 of 2" in page.inner_text("main")
    page.screenshot(path=str(SCREENSHOTS / "account-details.png"), full_page=True)
    page.select_option("#country", "RU")
    page.check("#business")
    page.fill("#company_name", "Romashka LLC")
    page.fill("#tax_id", "7707083894")
    page.click("#account-form button[type=submit]")
    assert "not a valid tax identification number" in page.inner_text("#error")
    page.fill("#tax_id", "7707083893")
    page.click("#account-form button[type=submit]")

    number = random_ru_mobile()
    page.fill("#phone", number)
    page.click("#phone-form button[type=submit]")
    page.wait_for_selector("#code-sent")
    assert page.is_disabled("#resend"), "resend waits for its countdown"
    page.screenshot(path=str(SCREENSHOTS / "phone-code.png"), full_page=True)
    page.fill("#code", phone_code(stack.inbox, number))
    page.click("#verify-form button[type=submit]")

    page.wait_for_url(f"{oidc.redirect_uri}**")
    assert callback["state"] == [oidc.state]
    claims = verify_id_token(oidc, exchange_code(oidc, callback["code"][0])["id_token"])
    assert claims["email"] == email and claims["email_verified"] is True
    assert claims["phone_number"] == number and claims["phone_number_verified"] is True
    assert claims["onboarding_complete"] is True
