"""A real OIDC relying party (authlib): code + PKCE exchange and ID token verification via JWKS."""

from __future__ import annotations

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.support.pages import Browser


def discovery(realm_url: str) -> dict:
    response = requests.get(f"{realm_url}/.well-known/openid-configuration", timeout=10)
    response.raise_for_status()
    return response.json()


def exchange_code(browser: Browser, code: str) -> dict:
    """Trade the authorization code (with the PKCE verifier) for tokens."""
    meta = discovery(browser.realm_url)
    client = OAuth2Session(browser.client_id, redirect_uri=browser.redirect_uri, code_challenge_method="S256")
    return client.fetch_token(meta["token_endpoint"], code=code, code_verifier=browser.verifier,
                              grant_type="authorization_code")


def refresh(browser: Browser, refresh_token: str) -> requests.Response:
    """Raw refresh-token request, so a test can see Keycloak refuse it."""
    meta = discovery(browser.realm_url)
    return requests.post(meta["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": refresh_token,
                                                       "client_id": browser.client_id}, timeout=10)


def verify_id_token(browser: Browser, id_token: str, *, refreshed: bool = False) -> dict:
    """Verify signature against the realm's JWKS and the standard claims; return the claims. An ID
    token from a refresh carries no nonce (OIDC Core 12.2)."""
    meta = discovery(browser.realm_url)
    keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    nonce = {} if refreshed else {"nonce": {"essential": True, "value": browser.nonce}}
    jwt.JWTClaimsRegistry(
        leeway=5,
        iss={"essential": True, "value": meta["issuer"]},
        aud={"essential": True, "value": browser.client_id},
        exp={"essential": True},
        **nonce,
    ).validate(token.claims)
    return dict(token.claims)
