"""TOTP, ending sessions and brute-force lockout, as a user of the hosted pages meets them."""

from __future__ import annotations

import re
import time

import pyotp

from tests.support.oidc import exchange_code, refresh
from tests.support.pages import Page
from tests.support.stack import create_user

PASSWORD = "Sunny-Harbor7"


def test_totp_set_up_with_an_authenticator_is_required_at_next_sign_in(make_tenant, admin):
    # Two quick wrong codes below would trip Keycloak's quick-login lockout, which is not under test here.
    tenant = make_tenant("console", brute_force={"quick_login_check_ms": 0})
    _, email = create_user(admin, tenant.realm, requiredActions=["CONFIGURE_TOTP"])
    browser = tenant.browser()
    setup = browser.login(email, PASSWORD)
    assert isinstance(setup, Page) and setup.soup.find("input", attrs={"name": "totp"}), setup.text[:400]
    manual = setup.soup.find("a", href=lambda h: h and "mode=manual" in h)
    manual_page = browser.open(manual["href"].replace("&amp;", "&")) if manual else setup
    secret = re.search(r"((?:[A-Z2-7]{4} ?){8,})", manual_page.text).group(1).replace(" ", "")
    done = browser.submit(manual_page, {"totp": pyotp.TOTP(secret).now(), "userLabel": "phone"})
    assert isinstance(done, str), done.text[:400] if isinstance(done, Page) else done

    again = tenant.browser()
    otp_page = again.login(email, PASSWORD)
    assert isinstance(otp_page, Page) and otp_page.soup.find("input", attrs={"name": "otp"}), "OTP is asked"
    wrong = again.submit(otp_page, {"otp": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert isinstance(wrong, Page) and "invalid" in wrong.text.lower()
    # The code used during set-up may not be replayed; the policy's look-ahead window of one
    # step accepts the next one, so no waiting for the clock is needed.
    replay = again.submit(wrong, {"otp": pyotp.TOTP(secret).now()})
    assert isinstance(replay, Page) and "invalid" in replay.text.lower()
    next_code = pyotp.TOTP(secret).at(time.time() + tenant.tenant.otp.period)
    final = again.submit(replay, {"otp": next_code})
    assert isinstance(final, str), final.alert() if isinstance(final, Page) else final


def test_ending_all_sessions_makes_the_refresh_token_fail(make_tenant, admin):
    tenant = make_tenant("console")
    user_id, email = create_user(admin, tenant.realm)
    browser = tenant.browser()
    tokens = exchange_code(browser, browser.login(email, PASSWORD))
    assert refresh(browser, tokens["refresh_token"]).ok

    admin.change_current_realm(tenant.realm)
    admin.user_logout(user_id)
    refused = refresh(browser, tokens["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


def _lock_status(tenant, admin, user_id: str) -> dict:
    admin.change_current_realm(tenant.realm)
    path = f"admin/realms/{tenant.realm}/attack-detection/brute-force/users/{user_id}"
    return admin.connection.raw_get(path).json()


def test_the_configured_number_of_wrong_passwords_locks_sign_in(make_tenant, admin):
    # The speed check is off here so that the count alone decides (it is on in shipped tenants).
    tenant = make_tenant("console", brute_force={"failures_before_lockout": 3, "quick_login_check_ms": 0})
    user_id, email = create_user(admin, tenant.realm)
    for _ in range(2):
        page = tenant.browser().login(email, "Wrong-Password1")
        assert isinstance(page, Page) and "invalid" in page.text.lower()
    assert _lock_status(tenant, admin, user_id)["disabled"] is False, "not locked before the limit"

    tenant.browser().login(email, "Wrong-Password1")
    assert _lock_status(tenant, admin, user_id)["disabled"] is True
    locked = tenant.browser().login(email, PASSWORD)
    assert isinstance(locked, Page), "the right password no longer signs in while locked"


def test_a_person_retyping_quickly_is_not_locked_after_two_tries(make_tenant, admin):
    """The shipped speed check (issue 10): Keycloak's default 1 s locked a person whose second try
    came within a second; a retyped password takes longer than the 200 ms that counts as a robot."""
    tenant = make_tenant("console")  # three failures lock; the speed check as shipped
    assert admin.get_realm(tenant.realm)["quickLoginCheckMilliSeconds"] == 200
    user_id, email = create_user(admin, tenant.realm)
    browser = tenant.browser()
    page = browser.login(email, "Wrong-Password1")
    time.sleep(0.5)  # a person's pace between two submissions, the behaviour under test
    page = browser.submit(page, {"username": email, "password": "Wrong-Password2"})
    assert isinstance(page, Page) and "invalid" in page.text.lower()
    assert _lock_status(tenant, admin, user_id)["disabled"] is False
    time.sleep(0.5)
    assert isinstance(browser.submit(page, {"username": email, "password": PASSWORD}), str), "signed in"
