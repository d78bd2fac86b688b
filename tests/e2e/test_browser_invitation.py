"""Invitations in a real browser (Chromium): a new user follows the link, registers with the invited
email filled in and fixed, skips the steps the tenant skips for invitees and accepts; an existing user signs
in and accepts. Both then sign in to the relying app, whose ID token (code + PKCE, authlib) carries
the role; after a role change the refreshed token carries the new one."""

from __future__ import annotations

import contextlib
from urllib.parse import parse_qs, urlencode, urlparse

import requests
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.test_browser_sign_up import SCREENSHOTS
from tests.integration.test_account_members import Person
from tests.integration.test_invitations import _account
from tests.support.inbox import first_link
from tests.support.oidc import exchange_code, refresh, verify_id_token
from tests.support.stack import create_user

PASSWORD = "Sunny-Harbor7"


def _app_token(page, tenant) -> tuple[object, dict]:
    """Sign in to the relying app with the browser's Keycloak session (no app runs at its redirect
    URI: the code is read from the redirect itself); its tokens."""
    oidc = tenant.browser()
    # Nothing listens at the app's redirect URI, so the navigation itself fails.
    with page.expect_request(lambda r: r.url.startswith(oidc.redirect_uri)) as redirect, \
            contextlib.suppress(PlaywrightError):
        page.goto(f"{oidc.realm_url}/protocol/openid-connect/auth?{urlencode(oidc._auth_params())}")
    code = parse_qs(urlparse(redirect.value.url).query)["code"][0]
    return oidc, exchange_code(oidc, code)


def _account_of(oidc, tokens: dict, refreshed: bool = False) -> dict:
    [account] = verify_id_token(oidc, tokens["id_token"], refreshed=refreshed)["accounts"]
    return account


def test_a_new_and_an_existing_user_accept_and_their_tokens_carry_the_role(make_tenant, stack, admin, chromium,
                                                                           tmp_path):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "skip_when_invited": ["account_details"],
                                              "steps": [{"kind": "account_details"}]})
    owner = Person(tenant, admin, stack)
    opened = _account(stack, tenant, owner, tmp_path)
    newcomer = f"newcomer-{opened.account_number}@example.test"
    _, existing = create_user(admin, tenant.realm)
    for email, role in ((newcomer, "viewer"), (existing, "member")):
        assert owner.call("POST", f"/{opened.org_id}/invitations", email=email, role=role).status_code == 201
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # A new user: register from the link, the email filled in; no account-details step for invitees.
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(first_link(stack.inbox.wait_for(newcomer)[0], "/invitations/"))
    page.click("#register")
    page.wait_for_selector("#kc-register-form")
    assert page.input_value("#email") == newcomer
    # Drawn fixed (read-only, still submitted); the server refuses any other address regardless.
    page.wait_for_selector("#email[readonly]")
    page.screenshot(path=str(SCREENSHOTS / "invitation-register.png"), full_page=True)
    page.fill("#password", PASSWORD)
    page.fill("#password-confirm", PASSWORD)
    page.fill("#firstName", "New")
    page.fill("#lastName", "Comer")
    page.check("#termsAccepted")
    page.click("#kc-register-form [type=submit]")
    page.wait_for_selector("#accept-form")
    page.click("#accept-form button[type=submit]")
    page.wait_for_selector("#accepted")
    page.screenshot(path=str(SCREENSHOTS / "invitation-accepted.png"), full_page=True)
    oidc, tokens = _app_token(page, tenant)
    joined = _account_of(oidc, tokens)
    assert (joined["number"], joined["roles"]) == (opened.account_number, ["viewer"])
    context.close()

    # An existing user: sign in from the link, accept.
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(first_link(stack.inbox.wait_for(existing)[0], "/invitations/"))
    page.click("#sign-in")
    page.fill("#password", PASSWORD)
    if page.input_value("#username") != existing:
        page.fill("#username", existing)
    page.click("#kc-login")
    page.wait_for_selector("#accept-form")
    page.click("#accept-form button[type=submit]")
    page.wait_for_selector("#accepted")
    oidc, tokens = _app_token(page, tenant)
    assert _account_of(oidc, tokens)["roles"] == ["member"]

    # The owner changes the role; the next refresh shows it.
    admin.change_current_realm(tenant.realm)
    existing_id = admin.get_user_id(existing)
    changed = owner.call("PUT", f"/{opened.org_id}/members/{existing_id}", role="viewer")
    assert changed.status_code == 200, changed.text
    refreshed = refresh(oidc, tokens["refresh_token"])
    assert refreshed.status_code == 200
    assert _account_of(oidc, refreshed.json(), refreshed=True)["roles"] == ["viewer"]
    context.close()
    assert requests.get(stack.settings.service_url + "/healthz", timeout=5).ok
