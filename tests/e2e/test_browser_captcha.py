"""The captcha step in a real browser: the picture loads under the page's CSP, the answer (from the
dev inbox, dev mode only) is typed like a person would, and the user lands in the relying app."""

from __future__ import annotations

from tests.e2e.conftest import sign_in
from tests.e2e.test_browser_sign_up import SCREENSHOTS, _app_callback
from tests.support.oidc import exchange_code, verify_id_token
from tests.support.stack import create_user


def test_a_person_reads_the_picture_and_gets_in(make_tenant, stack, admin, page):
    tenant = make_tenant("paas", onboarding={"enforce": "login", "steps": [{"kind": "captcha"}]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    oidc = tenant.browser()
    callback = _app_callback(page, oidc.redirect_uri)
    sign_in(page, oidc, email)
    page.wait_for_selector("#captcha-picture")
    # The load event waits for images; the page's CSP (no eval) rules out wait_for_function with a string.
    page.wait_for_load_state("load")
    assert page.locator("#captcha-picture").evaluate("img => img.complete && img.naturalWidth > 0"), \
        "the picture loads under the page's CSP"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "captcha.png"), full_page=True)
    page.fill("#answer", stack.inbox.wait_for(email)[0]["text"])
    page.click("#captcha-form button[type=submit]")
    page.wait_for_url(f"{oidc.redirect_uri}**")
    claims = verify_id_token(oidc, exchange_code(oidc, callback["code"][0])["id_token"])
    assert claims["onboarding_complete"] is True
