"""The verification email reaches the dev inbox; its link verifies the address; it can be re-sent.
A tenant may instead send generated credentials (seed 000)."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

from tests.integration.test_apply import idp
from tests.support.inbox import first_link
from tests.support.pages import Page
from tests.support.stack import create_user, write_tenant_config


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


def _emailed_password(message: dict) -> str:
    """The password line of the welcome email's text."""
    lines = [line.strip() for line in message["text"].splitlines()]
    return next(lines[i + 2] for i, line in enumerate(lines) if line.endswith(("your password is:", "ваш пароль:")))


def test_generated_credentials_arrive_by_email_and_must_be_replaced_at_first_sign_in(make_tenant, stack, admin):
    """Seed 000, the other hosting provider: the form takes only the email; the welcome email carries a
    generated password and a sign-in link; the first sign-in asks for the user's own password."""
    tenant = make_tenant("paas", onboarding={"steps": []}, login={"activation": "generated_password"})
    email = f"generated-{uuid.uuid4().hex[:8]}@example.test"
    browser = tenant.browser()
    form = browser.open_registration()
    assert form.soup.find("input", attrs={"name": "password"}) is None
    sent = browser.submit(form, {"email": email, "firstName": "Pat", "lastName": "Doe", "termsAccepted": "on"})
    assert isinstance(sent, Page) and f"we sent your password to {email}" in sent.text
    assert isinstance(browser.open_login(), Page), "registering gave no session: only the mailbox's reader gets in"

    [message] = stack.inbox.wait_for(email)
    assert message["subject"] == "Welcome to Hosted PaaS: your password"
    assert "asked to replace this password with one of your own" in message["text"]
    password = _emailed_password(message)
    assert len(password) >= 8 and password not in (Path(stack.settings.state_dir) / "logs" / "keycloak.log"
                                                    ).read_text(errors="replace")
    assert first_link(message, f"/realms/{tenant.realm}").startswith(stack.keycloak_url)
    admin.change_current_realm(tenant.realm)
    user = admin.get_user(admin.get_user_id(email))
    assert user["emailVerified"] is True and user["requiredActions"] == ["UPDATE_PASSWORD"]

    change = tenant.browser()
    page = change.login(email, password)
    assert isinstance(page, Page) and page.soup.find("input", attrs={"name": "password-new"}), page.text[:300]
    assert page.soup.find("h1").get_text(strip=True) == "Choose your own password"
    done = change.submit(page, {"password-new": "Sunny-Harbor7", "password-confirm": "Sunny-Harbor7"})
    assert isinstance(done, str), "signed in to the app with the new password"
    assert isinstance(tenant.browser().login(email, password), Page), "the emailed password no longer works"
    assert isinstance(tenant.browser().login(email, "Sunny-Harbor7"), str)


def test_generated_credentials_speak_russian_and_need_the_password_off_the_form(make_tenant, stack, tmp_path):
    tenant = make_tenant("paas", onboarding={"steps": []}, login={"activation": "generated_password"})
    email = f"generated-ru-{uuid.uuid4().hex[:8]}@example.test"
    browser = tenant.browser()
    sent = browser.submit(browser.open_registration(ui_locales="ru"),
                          {"email": email, "firstName": "Пат", "lastName": "Доу", "termsAccepted": "on"})
    assert isinstance(sent, Page) and f"мы отправили пароль на {email}" in sent.text
    [message] = stack.inbox.wait_for(email)
    assert message["subject"] == "Добро пожаловать в Hosted PaaS: ваш пароль"
    assert _emailed_password(message)

    config = write_tenant_config(tmp_path / "bad", "t-bad", "paas",
                                 {"login": {"activation": "generated_password", "password_on_registration": True}})
    checked = idp(stack, "validate", config_dir=config)
    assert checked.returncode != 0 and "set password_on_registration: false" in checked.stdout + checked.stderr
