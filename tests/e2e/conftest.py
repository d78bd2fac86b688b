"""A real browser: Playwright driving Debian's Chromium (Playwright cannot download its own here)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("IDP_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"Chromium not found at {CHROMIUM}; run scripts/system-packages.sh "
                           "(Debian package chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def sign_in(page: Page, oidc, email: str, password: str = "Sunny-Harbor7") -> None:
    """Open the app's sign-in (authorization code + PKCE of `oidc`) and submit the hosted login form."""
    from urllib.parse import urlencode

    page.goto(f"{oidc.realm_url}/protocol/openid-connect/auth?{urlencode(oidc._auth_params())}")
    page.fill("#username", email)
    page.fill("#password", password)
    page.click("#kc-login")
