"""Brute-force lockout as a person meets it on the hosted login page: a locked account is told so and
when to retry (unless the tenant keeps that quiet), and retyping a password at a person's pace does
not lock anyone (Keycloak's 1 s quick-login check did, after two tries)."""

from __future__ import annotations

import time

import pytest

from tests.support.pages import Page
from tests.support.stack import create_user

PASSWORD = "Sunny-Harbor7"
# Three strikes and a five-minute lock, so the message's figure is known.
STRICT = {"brute_force": {"failures_before_lockout": 3, "wait_increment": "5m", "max_wait": "15m"}}


def _attempt(tenant, email: str, password: str, locale: str = "en") -> Page | str:
    browser = tenant.browser()
    return browser.submit(browser.open_login(ui_locales=locale), {"username": email, "password": password})


def _lock(tenant, email: str) -> None:
    for _ in range(3):
        page = _attempt(tenant, email, "Wrong-Guess9")
        assert isinstance(page, Page) and "Invalid username or password" in page.text, page.text[:400]
        # A person retypes no faster than this; the quick-login check must not be what locks.
        time.sleep(0.5)


@pytest.mark.parametrize(("locale", "words"), [
    ("en", "This account is locked for a while after too many failed sign-ins. Try again in 5 minutes."),
    ("ru", "Вход в эту учётную запись временно заблокирован после нескольких неудачных попыток. "
           "Попробуйте снова через 5 мин."),
])
def test_a_locked_account_is_told_when_to_retry(make_tenant, admin, locale, words):
    tenant = make_tenant("cloud", **STRICT)
    _, email = create_user(admin, tenant.realm)
    _lock(tenant, email)
    page = _attempt(tenant, email, PASSWORD, locale)
    assert isinstance(page, Page), "the right password must not sign in while the account is locked"
    assert words in page.text, page.text[:600]
    assert "Invalid username or password" not in page.text


def test_a_tenant_may_keep_the_lock_quiet(make_tenant, admin):
    tenant = make_tenant("cloud", brute_force={**STRICT["brute_force"], "tell_locked": False})
    _, email = create_user(admin, tenant.realm)
    _lock(tenant, email)
    page = _attempt(tenant, email, PASSWORD)
    assert isinstance(page, Page)
    assert "Invalid username or password" in page.text and "locked" not in page.text, page.text[:600]


def test_two_quick_wrong_tries_do_not_lock_a_person_out(make_tenant, admin):
    tenant = make_tenant("cloud")
    _, email = create_user(admin, tenant.realm)
    for _ in range(2):
        assert isinstance(_attempt(tenant, email, "Wrong-Guess9"), Page)
        time.sleep(0.3)
    assert isinstance(_attempt(tenant, email, PASSWORD), str), "the right password signs in after two typos"
