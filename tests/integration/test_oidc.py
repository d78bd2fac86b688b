"""A real OIDC client (authlib) signs in with code + PKCE; the ID token verifies against JWKS."""

from __future__ import annotations

import requests

from tests.support.oidc import discovery, exchange_code, verify_id_token
from tests.support.pages import Page
from tests.support.stack import create_user


def test_code_flow_with_pkce_yields_a_verifiable_id_token(make_tenant, admin):
    tenant = make_tenant("console")
    user_id, email = create_user(admin, tenant.realm)
    browser = tenant.browser()
    code = browser.login(email, "Sunny-Harbor7")
    assert isinstance(code, str), code.text[:400] if isinstance(code, Page) else code

    tokens = exchange_code(browser, code)
    claims = verify_id_token(browser, tokens["id_token"])
    assert claims["sub"] == user_id
    assert claims["email"] == email and claims["email_verified"] is True
    assert claims["azp"] == tenant.client.client_id
    assert "phone_number_verified" not in claims  # the scope is there; the claim comes once a phone is verified
    # Keycloak counts from the moment it issued the token, so a second may already have passed.
    assert tenant.tenant.sessions.access_token - 5 <= tokens["expires_in"] <= tenant.tenant.sessions.access_token


def test_pkce_is_required_and_redirect_uris_are_exact(make_tenant):
    tenant = make_tenant("console")
    realm_url = f"{tenant.keycloak_url}/realms/{tenant.realm}"
    auth = discovery(realm_url)["authorization_endpoint"]
    base = {"client_id": tenant.client.client_id, "response_type": "code", "scope": "openid"}
    no_pkce = requests.get(auth, params={**base, "redirect_uri": tenant.client.redirect_uris[0]},
                           allow_redirects=False, timeout=10)
    assert "code_challenge" in no_pkce.headers.get("Location", "") + no_pkce.text
    other_uri = requests.get(auth, params={**base, "redirect_uri": tenant.client.redirect_uris[0] + "/x",
                                           "code_challenge": "x" * 43, "code_challenge_method": "S256"},
                             allow_redirects=False, timeout=10)
    assert other_uri.status_code == 400 and "redirect" in other_uri.text.lower()


def test_phone_claims_reach_the_token_when_the_user_has_a_verified_phone(make_tenant, admin):
    tenant = make_tenant("cloud")
    _, email = create_user(admin, tenant.realm, attributes={"phoneNumber": ["+79991234567"],
                                                             "phoneNumberVerified": ["true"]})
    browser = tenant.browser()
    claims = verify_id_token(browser, exchange_code(browser, browser.login(email, "Sunny-Harbor7"))["id_token"])
    assert claims["phone_number"] == "+79991234567"
    assert claims["phone_number_verified"] is True
