"""The verification email reaches the dev inbox; its link verifies the address; it can be re-sent."""

from __future__ import annotations

import re
import time
import uuid

from tests.support.inbox import first_link
from tests.support.pages import Page
from tests.support.stack import create_user


def test_verification_link_from_the_inbox_verifies_the_email(make_tenant, stack, admin):
    tenant = make_tenant("cloud")
    email = f"verify-{uuid.uuid4().hex[:8]}@example.test"
    browser = tenant.browser()
    page = browser.register(email, "Sunny-Harbor7")
    assert "verify your email" in page.text.lower()

    [message] = stack.inbox.wait_for(email)
    assert "verify" in message["subject"].lower()
    result = browser.follow(first_link(message, "action-token"))
    assert isinstance(result, str), "a verified user is sent back to the app with a code"

    admin.change_current_realm(tenant.realm)
    [user] = admin.get_users({"email": email, "exact": True})
    assert user["emailVerified"] is True


def test_verification_email_can_be_resent_after_a_cooldown(make_tenant, stack, admin):
    tenant = make_tenant("cloud", email={"verification_link_lifetime": "72h", "resend_cooldown": "5s"})
    admin.change_current_realm(tenant.realm)
    assert admin.get_realm(tenant.realm)["attributes"]["actionTokenGeneratedByUserLifespan.verify-email"] == "259200"

    email = f"resend-{uuid.uuid4().hex[:8]}@example.test"
    browser = tenant.browser()
    page = browser.register(email, "Sunny-Harbor7")
    stack.inbox.wait_for(email)
    too_soon = browser.open(_resend_link(page))
    # The countdown may already have ticked since the email went out: 5 s configured, 1-5 s left.
    assert re.search(r"must wait [1-5] seconds", too_soon.text), too_soon.text[:400]
    assert len(stack.inbox.messages(email)) == 1
    # Click "re-send" again until the cooldown has passed: bounded, and it proves the cooldown ends.
    page, deadline = too_soon, time.monotonic() + 30
    while len(stack.inbox.messages(email)) < 2 and time.monotonic() < deadline:
        time.sleep(1)
        page = browser.open(_resend_link(page))
    assert len(stack.inbox.wait_for(email, count=2, timeout=5)) == 2


def _resend_link(page: Page) -> str:
    link = page.soup.find("a", href=lambda h: h and "execution=VERIFY_EMAIL" in h)
    assert link is not None, page.text[:500]
    return link["href"].replace("&amp;", "&")


def test_password_after_activation_link_when_the_tenant_asks_for_it(make_tenant, stack, admin):
    """Seed 000: the form takes only the email; the activation link leads to the password form."""
    tenant = make_tenant("paas")
    email = f"activate-{uuid.uuid4().hex[:8]}@example.test"
    browser = tenant.browser()
    form = browser.open_registration()
    assert form.soup.find("input", attrs={"name": "password"}) is None
    page = browser.submit(form, {"email": email, "firstName": "Pat", "lastName": "Doe", "termsAccepted": "on"})
    assert "verify your email" in page.text.lower()

    [message] = stack.inbox.wait_for(email)
    # An activation reads as one (issue 10): a welcome with the link, and "Set your password".
    assert message["subject"] == "Welcome! Activate your account"
    assert "Welcome to Hosted PaaS!" in message["text"] and "activate your account and set your password" in \
        message["text"]
    password_page = browser.follow(first_link(message, "action-token"))
    assert isinstance(password_page, Page) and password_page.soup.find("input", attrs={"name": "password-new"})
    assert password_page.soup.find("h1").get_text(strip=True) == "Set your password"
    assert "Choose a password to finish activating your account." in password_page.text
    assert "change your password" not in password_page.text
    # A new account has no other devices: no "Sign out from other devices", even on a refused try.
    assert password_page.soup.find("input", attrs={"name": "logout-sessions"}) is None
    weak = browser.submit(password_page, {"password-new": "short", "password-confirm": "short"})
    assert "Use at least 8 characters." in weak.text
    assert weak.soup.find("input", attrs={"name": "logout-sessions"}) is None
    onboarding = browser.submit(weak, {"password-new": "Sunny-Harbor7", "password-confirm": "Sunny-Harbor7"})
    # The password is set; this tenant then sends the user through its phone step.
    assert isinstance(onboarding, Page) and "/onboarding/" in onboarding.url
    assert onboarding.soup.find("input", attrs={"name": "phone"}) is not None
    again = tenant.browser().login(email, "Sunny-Harbor7")
    assert isinstance(again, Page) and "/onboarding/" in again.url, "the new password signs in"


def test_the_activation_speaks_russian_to_a_russian_sign_up(make_tenant, stack):
    tenant = make_tenant("paas")
    email = f"activate-ru-{uuid.uuid4().hex[:8]}@example.test"
    browser = tenant.browser()
    form = browser.open_registration(ui_locales="ru")
    browser.submit(form, {"email": email, "firstName": "Пат", "lastName": "Доу", "termsAccepted": "on"})
    [message] = stack.inbox.wait_for(email)
    assert message["subject"] == "Добро пожаловать! Активируйте учётную запись"
    assert "Добро пожаловать в Hosted PaaS!" in message["text"]
    password_page = browser.follow(first_link(message, "action-token"))
    assert isinstance(password_page, Page)
    assert password_page.soup.find("h1").get_text(strip=True) == "Задайте пароль"
    assert password_page.soup.find("input", attrs={"name": "logout-sessions"}) is None


def test_a_user_who_has_a_password_is_still_offered_to_sign_out_elsewhere(make_tenant, admin):
    """Only the first password drops the checkbox; changing an existing one keeps Keycloak's offer."""
    tenant = make_tenant("cloud")
    user_id, email = create_user(admin, tenant.realm)
    admin.change_current_realm(tenant.realm)
    admin.update_user(user_id, {"requiredActions": ["UPDATE_PASSWORD"]})
    page = tenant.browser().login(email, "Sunny-Harbor7")
    assert isinstance(page, Page) and page.soup.find("input", attrs={"name": "password-new"}), page.text[:300]
    assert page.soup.find("input", attrs={"name": "logout-sessions"}) is not None
    assert "Sign out from other devices" in page.text
