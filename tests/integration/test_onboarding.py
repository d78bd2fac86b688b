"""Onboarding inside the Keycloak flow, over HTTP against the real Keycloak and service."""

from __future__ import annotations

import base64
import os
import re
import uuid
from urllib.parse import parse_qs, quote, urlparse

import pytest
import requests
from joserfc.jwk import OctKey

from tests.support.oidc import exchange_code, verify_id_token
from tests.support.onboarding import (
    email_code,
    handover_of,
    phone_code,
    random_ru_mobile,
    realm_key,
    result_token,
    return_with,
)
from tests.support.pages import Page
from tests.support.stack import create_user
from webhooks.onboarding.keys import HANDOVER

PASSWORD = "Sunny-Harbor7"
PHONE_RU = {"kind": "phone", "allowed_countries": ["RU"], "channel": "sms", "code_length": 4,
            "resend_cooldown": "10s", "accounts_per_number": 1}
DETAILS = {"kind": "account_details", "business_accounts": True}


def _wizard(tenant, admin, **user) -> tuple:
    """A user who has not onboarded signs in and lands in the wizard."""
    _, email = create_user(admin, tenant.realm, onboarded=False, **user)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    assert isinstance(page, Page) and "/onboarding/" in page.url, page if isinstance(page, str) else page.alert()
    return browser, page, email


def _claims(browser, code) -> dict:
    return verify_id_token(browser, exchange_code(browser, code)["id_token"])


def test_the_wizard_speaks_the_language_of_the_sign_in(make_tenant, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [DETAILS]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    login = browser.open_login(ui_locales="ru")
    page = browser.submit(login, {"username": email, "password": PASSWORD})
    assert "Данные аккаунта" in page.text and "Германия" in page.text
    refused = browser.submit(page, {"country": "RU", "account_type": "business", "company_name": "",
                                    "tax_id": ""}, "account-form")
    assert "Укажите название компании" in refused.soup.find(id="error").text
    english = browser.open(page.url, lang="en")
    assert "Account details" in english.text and "Germany" in english.text, "the picked language wins"


def test_account_details_are_visible_in_the_account_console(make_tenant, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [DETAILS]})
    browser, page, _ = _wizard(tenant, admin)
    code = browser.submit(page, {"country": "DE", "account_type": "business", "company_name": "Beispiel GmbH",
                                 "tax_id": "DE136695976"}, "account-form")
    tokens = exchange_code(browser, code)
    response = requests.get(f"{browser.realm_url}/account/", params={"userProfileMetadata": "true"},
                            headers={"Authorization": f"Bearer {tokens['access_token']}",
                                     "Accept": "application/json"}, timeout=10)
    assert response.ok, (response.status_code, response.text[:300])
    account = response.json()
    assert account["attributes"]["taxId"] == ["DE136695976"] and account["attributes"]["country"] == ["DE"]
    shown = {a["name"]: a for a in account["userProfileMetadata"]["attributes"]}
    assert shown["companyName"]["readOnly"] is True, "users see it; only the service (checked) changes it"


def test_email_code_then_account_details_completes_and_returns_to_the_app(make_tenant, stack, admin):
    tenant = make_tenant("console", onboarding={"steps": [{"kind": "email_code"}, DETAILS]})
    browser, page, email = _wizard(tenant, admin, emailVerified=False)
    assert "Step 1 of 2" in page.text
    page = browser.submit(page, {}, "email-send-form")
    page = browser.submit(page, {"code": "ZZZ-ZZZ"}, "email-verify-form")
    assert "not correct" in page.soup.find(id="error").text
    page = browser.submit(page, {"code": email_code(stack.inbox, email)}, "email-verify-form")
    assert "Step 2 of 2" in page.text
    refused = browser.submit(page, {"country": "RU", "account_type": "business", "company_name": "Romashka",
                                    "tax_id": "7707083894"}, "account-form")
    assert "not a valid tax identification number in Russia" in refused.soup.find(id="error").text
    code = browser.submit(refused, {"country": "RU", "account_type": "business", "company_name": "Romashka",
                                    "tax_id": "7707083893"}, "account-form")
    claims = _claims(browser, code)
    assert claims["email_verified"] is True and claims["onboarding_complete"] is True
    admin.change_current_realm(tenant.realm)
    user = admin.get_user(claims["sub"])
    assert user["attributes"]["taxId"] == ["7707083893"] and user["attributes"]["accountType"] == ["business"]
    assert "onboarding" not in user.get("requiredActions", [])


def test_enforce_actions_lets_users_in_and_kc_action_completes_onboarding(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "actions", "steps": [PHONE_RU]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    tokens = exchange_code(browser, browser.login(email, PASSWORD))
    claims = verify_id_token(browser, tokens["id_token"])
    # Present and false, not absent: an app must not read silence as "not yet".
    assert claims["onboarding_complete"] is False and claims["card_bound"] is False, "signed in with steps pending"
    userinfo = requests.get(f"{browser.realm_url}/protocol/openid-connect/userinfo", timeout=30,
                            headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert userinfo["onboarding_complete"] is False

    page = browser.open_login(kc_action="onboarding")  # the app sends the user through onboarding
    assert "/onboarding/" in page.url
    number = random_ru_mobile()
    page = browser.submit(page, {"phone": number}, "phone-form")
    code = browser.submit(page, {"code": phone_code(stack.inbox, number)}, "verify-form")
    assert isinstance(code, str), "back in the app where the user was"
    claims = _claims(browser, code)
    assert claims["onboarding_complete"] is True
    assert claims["phone_number"] == number and claims["phone_number_verified"] is True


def test_closing_the_window_after_the_code_was_sent_resumes_at_that_step(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [DETAILS, PHONE_RU]})
    browser, page, email = _wizard(tenant, admin)
    page = browser.submit(page, {"country": "RU", "account_type": "personal"}, "account-form")
    number = random_ru_mobile()
    page = browser.submit(page, {"phone": "8 " + number[2:]}, "phone-form")  # national spelling
    assert number in page.soup.find(id="code-sent").text

    again = tenant.browser()  # the window was closed; a new sign-in
    resumed = again.login(email, PASSWORD)
    assert "Step 2 of 2" in resumed.text and number in resumed.soup.find(id="code-sent").text
    code = again.submit(resumed, {"code": phone_code(stack.inbox, number)}, "verify-form")
    assert _claims(again, code)["phone_number_verified"] is True


def test_phone_policies_are_shown_on_the_page(make_tenant, stack, admin):
    support = "mailto:support@cloud.example"
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [
        {**PHONE_RU, "attempts_per_code": 2, "support_url": support}]})
    browser, page, _ = _wizard(tenant, admin)
    assert page.soup.find(id="support")["href"] == support
    foreign = browser.submit(page, {"phone": "+49 30 901820"}, "phone-form")
    assert "Use a number starting with +7" in foreign.soup.find(id="error").text
    number = random_ru_mobile()
    sent = browser.submit(foreign, {"phone": number}, "phone-form")
    again = browser.submit(sent, {"phone": number}, "resend-form")
    assert "Please wait" in again.soup.find(id="error").text
    right = phone_code(stack.inbox, number)
    wrong = "0000" if right != "0000" else "1111"
    first = browser.submit(again, {"code": wrong}, "verify-form")
    assert "Attempts left: 1" in first.soup.find(id="error").text
    spent = browser.submit(first, {"code": wrong}, "verify-form")
    assert "Use another phone number" in spent.soup.find(id="error").text
    assert spent.soup.find(id="phone-form") is not None, "the page asks for another number"

    other, page2, _ = _wizard(tenant, admin)
    taken = random_ru_mobile()
    done = other.submit(other.submit(page2, {"phone": taken}, "phone-form"),
                        {"code": phone_code(stack.inbox, taken)}, "verify-form")
    assert isinstance(done, str)
    third, page3, _ = _wizard(tenant, admin)
    refused = third.submit(page3, {"phone": taken}, "phone-form")
    assert "maximum number of accounts" in refused.soup.find(id="error").text


def test_a_verified_number_changes_only_after_signing_in_again(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [PHONE_RU, DETAILS]})
    browser, page, email = _wizard(tenant, admin)
    number = random_ru_mobile()
    page = browser.submit(browser.submit(page, {"phone": number}, "phone-form"),
                          {"code": phone_code(stack.inbox, number)}, "verify-form")
    assert "Step 2 of 2" in page.text
    assert page.soup.find(id="change-phone") is None and page.soup.find(id="change-phone-hint") is not None
    flow_url = page.url
    response = browser.session.post(f"{flow_url}/phone/reopen", data={"csrf_token": page.soup.find(
        "input", attrs={"name": "csrf_token"})["value"]}, timeout=30)
    assert response.status_code == 409 and "sign in again" in response.text

    later = tenant.browser()
    resumed = later.login(email, PASSWORD)
    assert resumed.soup.find(id="change-phone") is not None, "a new sign-in may change it"
    reopened = later.submit(resumed, {}, "change-phone-form")
    assert reopened.soup.find(id="phone-form") is not None


@pytest.fixture
def handover(make_tenant, stack, admin):
    """A fresh sign-in stopped at the hand-over; returns (tenant, browser, claims, secret)."""
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [DETAILS]})

    def start():
        _, email = create_user(admin, tenant.realm, onboarded=False)
        browser = tenant.browser()
        return browser, handover_of(browser, email, PASSWORD, stack.secrets.onboarding_secret)

    return tenant, start, stack.secrets.onboarding_secret


@pytest.mark.parametrize("case", ["forged", "shared_secret", "other_realms_key", "handover_key", "expired",
                                  "other_user", "other_handover", "other_realm", "not_done"])
def test_a_bad_result_shows_an_error_and_completes_nothing(handover, admin, case):
    tenant, start, secret = handover
    realm = tenant.realm
    browser, claims = start()
    good = {"sub": claims["sub"], "aud": claims["iss"], "rid": claims["rid"]}
    bad = {
        "forged": lambda: result_token(secret, realm, key=OctKey.import_key(os.urandom(32)), **good),
        "shared_secret": lambda: result_token(secret, realm, key=OctKey.import_key(base64.b64decode(secret)), **good),
        "other_realms_key": lambda: result_token(secret, "paas", **good),
        "handover_key": lambda: result_token(secret, realm, key=realm_key(secret, realm, HANDOVER), **good),
        "expired": lambda: result_token(secret, realm, **good, exp=1),
        "other_user": lambda: result_token(secret, realm, **{**good, "sub": str(uuid.uuid4())}),
        "other_handover": lambda: result_token(secret, realm, **{**good, "rid": str(uuid.uuid4())}),
        "other_realm": lambda: result_token(secret, realm, **{**good, "aud": claims["iss"] + "x"}),
        "not_done": lambda: result_token(secret, realm, **good, result="pending"),
    }[case]()
    page = browser.follow(return_with(claims, bad))
    assert isinstance(page, Page) and page.status == 400
    assert "Onboarding could not be completed" in page.text
    admin.change_current_realm(tenant.realm)
    assert "onboarding" in admin.get_user(claims["sub"]).get("requiredActions", [])


def test_a_valid_result_completes_once_and_a_replay_is_refused(handover, admin):
    tenant, start, secret = handover
    browser, claims = start()
    # What the service does before it signs a result: mark the user onboarded.
    admin.change_current_realm(tenant.realm)
    user = admin.get_user(claims["sub"])
    admin.update_user(claims["sub"], {**user, "attributes": {**user.get("attributes", {}),
                                                             "onboardingCompleted": ["true"]}})
    url = return_with(claims, result_token(secret, tenant.realm, sub=claims["sub"], aud=claims["iss"],
                                           rid=claims["rid"]))
    assert isinstance(browser.follow(url), str), "the real result completes the action"
    replay = browser.follow(url)
    assert isinstance(replay, Page) and replay.status == 400


def test_the_wizard_keeps_the_sign_in_request_server_side(make_tenant, admin, stack):
    """Issue 10: the wizard's addresses carry no part of the relying app's OIDC request (redirect URI,
    state, nonce, PKCE challenge); the one hand-over link carries a short signed token and is left at
    once for /onboarding/<id>."""
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [DETAILS]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    seen: list[str] = []
    browser.session.hooks["response"].append(lambda response, *args, **kwargs: seen.append(response.url))
    page = browser.login(email, PASSWORD)
    assert isinstance(page, Page)
    assert re.fullmatch(rf"{re.escape(stack.settings.service_url)}/onboarding/[0-9a-f-]{{36}}", page.url), page.url
    request = browser._auth_params()
    secrets_of_the_request = [request["state"], request["nonce"], request["code_challenge"], request["redirect_uri"],
                              quote(request["redirect_uri"], safe="")]
    service_urls = [url for url in seen if url.startswith(stack.settings.service_url)]
    assert service_urls, seen
    for url in service_urls:
        assert not any(part in url for part in secrets_of_the_request), url
        assert set(parse_qs(urlparse(url).query)) <= {"token"}, url
