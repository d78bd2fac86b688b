"""API access (seed 004 "Activation of API access"): command-line tools sign in through the `cli`
client with the device authorization grant (RFC 8628) or code + PKCE on a loopback address, and
Keycloak itself refuses users whose API access is not activated (so it holds with the service down)."""

from __future__ import annotations

import json

import pytest
import requests
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from contract.names import API_ACCESS_ROLE, CLI_CLIENT
from tests.integration.test_apply import idp
from tests.support.oidc import exchange_code
from tests.support.pages import Browser, Page
from tests.support.stack import create_user

PASSWORD = "Sunny-Harbor7"
NEVER = "http://127.0.0.1:9/never"  # the device grant redirects nowhere; nothing may look like an app callback


def _device_sign_in(tenant, stack, email: str, password: str = PASSWORD) -> tuple[Page, requests.Response]:
    """Start a device grant as a CLI would, complete the verification page as the user would in a
    browser, then poll the token endpoint once, as the CLI would after the user is done."""
    realm_url = f"{stack.keycloak_url}/realms/{tenant.realm}"
    verifier = generate_token(64)  # the client requires PKCE on the device grant too
    started = requests.post(f"{realm_url}/protocol/openid-connect/auth/device", timeout=15, data={
        "client_id": CLI_CLIENT, "scope": "openid", "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256"})
    assert started.status_code == 200, started.text
    grant = started.json()
    assert grant["user_code"] and grant["verification_uri"].startswith(realm_url)
    browser = Browser(stack.keycloak_url, tenant.realm, CLI_CLIENT, NEVER)
    login = browser.open(grant["verification_uri_complete"])
    page = browser.submit(login, {"username": email, "password": password})
    assert isinstance(page, Page)
    if page.soup.find("button", attrs={"name": "accept"}):  # Keycloak asks the user to confirm the device
        page = browser.submit(page, {"accept": ""})
        assert isinstance(page, Page)
    token = requests.post(f"{realm_url}/protocol/openid-connect/token", timeout=15, data={
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": grant["device_code"],
        "client_id": CLI_CLIENT, "code_verifier": verifier})
    return page, token


def _grant(admin, realm: str, user_id: str) -> None:
    admin.change_current_realm(realm)
    admin.assign_realm_roles(user_id, [admin.get_realm_role(API_ACCESS_ROLE)])


def test_without_api_access_the_device_sign_in_is_refused_and_says_where_to_activate(make_tenant, stack, admin):
    tenant = make_tenant("cloud")
    _, email = create_user(admin, tenant.realm)
    page, token = _device_sign_in(tenant, stack, email)
    assert "API access is not activated for your account" in page.text, page.text[:500]
    assert f"/my/{tenant.realm}/api-access" in page.text
    assert token.status_code == 400 and "access_token" not in token.text


def test_with_api_access_the_device_sign_in_gives_a_token(make_tenant, stack, admin):
    tenant = make_tenant("cloud")
    user_id, email = create_user(admin, tenant.realm)
    _grant(admin, tenant.realm, user_id)
    page, token = _device_sign_in(tenant, stack, email)
    assert token.status_code == 200, (token.text, page.text[:300])
    assert token.json()["access_token"] and token.json()["token_type"].lower() == "bearer"


def test_a_tool_on_any_loopback_port_signs_in_with_code_and_pkce(make_tenant, stack, admin):
    """RFC 8252: the tool listens on a port it picks; the one registered loopback address serves it."""
    tenant = make_tenant("cloud")
    user_id, email = create_user(admin, tenant.realm)
    without = Browser(stack.keycloak_url, tenant.realm, CLI_CLIENT, "http://127.0.0.1:54321/callback")
    refused = without.login(email, PASSWORD)
    assert isinstance(refused, Page) and "API access is not activated" in refused.text
    _grant(admin, tenant.realm, user_id)
    tool = Browser(stack.keycloak_url, tenant.realm, CLI_CLIENT, "http://127.0.0.1:54321/callback")
    code = tool.login(email, PASSWORD)
    assert isinstance(code, str), code.text[:300]
    assert exchange_code(tool, code)["access_token"]
    elsewhere = Browser(stack.keycloak_url, tenant.realm, CLI_CLIENT, "http://evil.example/callback")
    assert "Invalid parameter: redirect_uri" in elsewhere.open_login().text


def _portal(tenant, stack, email: str) -> tuple[Browser, Page]:
    """The user signed in to the service's pages (through the realm), on the API access page."""
    browser = tenant.browser()
    assert isinstance(browser.login(email, PASSWORD), str)
    page = browser.open(f"{stack.settings.service_url}/my/{tenant.realm}/api-access")
    assert page.status == 200 and page.soup.find(id="api-access-state"), page.text[:300]
    return browser, page


def test_a_user_turns_api_access_on_from_the_page_and_the_tool_signs_in(make_tenant, stack, admin):
    tenant = make_tenant("cloud")
    _, email = create_user(admin, tenant.realm)
    browser, page = _portal(tenant, stack, email)
    assert page.soup.find(id="api-access-state").text == "API access is off."
    on = browser.submit(page, {}, "activate-form")
    assert on.soup.find(id="done").text == "API access is now on." and 'client ID "cli"' in on.text
    _, token = _device_sign_in(tenant, stack, email)
    assert token.status_code == 200, token.text
    off = browser.submit(on, {}, "deactivate-form")
    assert off.soup.find(id="api-access-state").text == "API access is off."
    _, token = _device_sign_in(tenant, stack, email)
    assert token.status_code == 400, "turned off: Keycloak refuses the tool again"


@pytest.mark.parametrize(("locale", "words"), [
    ("en", "Finish setting up your account first; then you can turn on API access."),
    ("ru", "Сначала завершите настройку учётной записи, затем включите доступ к API."),
])
def test_api_access_waits_for_onboarding(make_tenant, stack, admin, locale, words):
    tenant = make_tenant("cloud", onboarding={"enforce": "actions", "steps": [{"kind": "account_details"}]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    browser, page = _portal(tenant, stack, email)
    page = browser.open(f"{stack.settings.service_url}/my/{tenant.realm}/api-access", lang=locale)
    assert words in page.soup.find(id="needs-onboarding").text
    refused = browser.submit(page, {}, "activate-form")
    assert refused.status == 422 and words in refused.soup.find(id="error").text


def test_a_tenant_may_require_an_authenticator_app_first(make_tenant, stack, admin):
    tenant = make_tenant("cloud", api_access={"require_totp": True})
    user_id, email = create_user(admin, tenant.realm)
    browser, page = _portal(tenant, stack, email)
    assert "requires an authenticator app" in page.soup.find(id="needs-totp").text
    security = f"/realms/{tenant.realm}/account/account-security/signing-in"
    assert page.soup.find(id="set-up-totp")["href"].endswith(security)
    refused = browser.submit(page, {}, "activate-form")
    assert refused.status == 422 and "requires an authenticator app" in refused.soup.find(id="error").text
    admin.change_current_realm(tenant.realm)
    assert API_ACCESS_ROLE not in {r["name"] for r in admin.get_realm_roles_of_user(user_id)}


def test_the_json_api_reads_and_changes_api_access(make_tenant, stack, admin):
    tenant = make_tenant("cloud")
    _, email = create_user(admin, tenant.realm)
    app = tenant.browser()
    tokens = exchange_code(app, app.login(email, PASSWORD))
    url = f"{stack.settings.service_url}/api/v1/me/api-access"
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert requests.get(url, headers=headers, timeout=15).json() == {
        "active": False, "onboarding_complete": True, "totp_required": False, "totp_configured": False,
        "may_activate": True}
    assert requests.put(url, headers=headers, json={"active": True}, timeout=15).json()["active"] is True
    assert requests.get(url, headers=headers, timeout=15).json()["active"] is True
    bad = requests.put(url, headers=headers, json={"active": "yes"}, timeout=15)
    assert bad.status_code == 400 and '{"active": true}' in bad.json()["message"]
    assert requests.get(url, timeout=15).status_code == 401


def test_the_operator_turns_api_access_on_and_off(make_tenant, stack, admin):
    tenant = make_tenant("cloud")
    _, email = create_user(admin, tenant.realm)
    on = idp(stack, "users", "api-access", email, "on", "--realm", tenant.realm, "--json")
    assert on.returncode == 0, on.stderr
    assert json.loads(on.stdout) == {"email": email, "api_access": True}
    assert json.loads(idp(stack, "users", "show", email, "--realm", tenant.realm, "--json").stdout)["api_access"]
    assert _device_sign_in(tenant, stack, email)[1].status_code == 200
    off = idp(stack, "users", "api-access", email, "off", "--realm", tenant.realm)
    assert off.returncode == 0 and "API access off" in off.stdout
    wrong = idp(stack, "users", "api-access", email, "maybe", "--realm", tenant.realm)
    assert wrong.returncode != 0 and "say on or off" in wrong.stderr and "Traceback" not in wrong.stderr
