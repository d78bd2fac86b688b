"""API access (seed 004 "Activation of API access"): command-line tools sign in through the `cli`
client with the device authorization grant (RFC 8628) or code + PKCE on a loopback address, and
Keycloak itself refuses users whose API access is not activated (so it holds with the service down)."""

from __future__ import annotations

import requests
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from contract.names import API_ACCESS_ROLE, CLI_CLIENT
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
