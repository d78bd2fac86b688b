"""The card step in a real browser: card form, the bank's 3-D Secure code from the dev inbox, the
optional auto top-up, back in the relying app with a token that says a card is bound, and then the
balance page (signed in through the realm) showing the credited test charge and the sign-up bonus."""

from __future__ import annotations

from tests.e2e.conftest import sign_in
from tests.e2e.test_browser_sign_up import SCREENSHOTS, _app_callback
from tests.support.oidc import exchange_code, verify_id_token
from tests.support.stack import create_user


def test_a_card_with_3d_secure_is_bound(make_tenant, stack, admin, page):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "signup_bonus": {"amount": 1000},
                                              "steps": [{"kind": "card", "test_charge": 500}]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    oidc = tenant.browser()
    callback = _app_callback(page, oidc.redirect_uri)
    sign_in(page, oidc, email)
    page.wait_for_selector("#card-form")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.fill("#number", "4000 0000 0000 3220")
    page.fill("#expiry", "08/29")
    page.fill("#cvc", "123")
    page.screenshot(path=str(SCREENSHOTS / "card.png"), full_page=True)
    page.click("#card-form button[type=submit]")
    page.wait_for_selector("#card-challenge-form")
    page.screenshot(path=str(SCREENSHOTS / "card-3ds.png"), full_page=True)
    page.fill("#code", stack.inbox.wait_for(email)[0]["text"].rsplit(" ", 1)[1])
    page.click("#card-challenge-form button[type=submit]")
    page.wait_for_selector("#card-finish-form")
    assert "3220" in page.inner_text("#card-bound")
    page.check("#top-up-enabled")
    page.fill("#amount", "1000")
    page.fill("#threshold", "200")
    page.screenshot(path=str(SCREENSHOTS / "card-top-up.png"), full_page=True)
    page.click("#card-finish-form button[type=submit]")
    page.wait_for_url(f"{oidc.redirect_uri}**")
    claims = verify_id_token(oidc, exchange_code(oidc, callback["code"][0])["id_token"])
    assert claims["card_bound"] is True
    page.goto(f"{stack.settings.service_url}/my/{tenant.realm}/balance")
    page.wait_for_selector("#balance")
    page.screenshot(path=str(SCREENSHOTS / "balance.png"), full_page=True)
    assert "1,500.00" in page.inner_text("#balance")
    entries = page.inner_text("#entries")
    assert "Card check, credited" in entries and "Sign-up bonus" in entries
    assert page.input_value("#amount") == "1000" and page.is_checked("#top-up-enabled")
