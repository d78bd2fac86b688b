"""Helpers for onboarding tests: the hand-over Keycloak issues, codes from the dev inbox, results."""

from __future__ import annotations

import random
import re
import time
import uuid
from urllib.parse import parse_qs, quote, urljoin, urlparse

from joserfc import jwt
from joserfc.jwk import OctKey

from tests.support.inbox import DevInbox
from tests.support.pages import Browser
from webhooks.onboarding.keys import HANDOVER, RESULT, OnboardingKeys


def random_ru_mobile() -> str:
    return "+7999" + "".join(random.choice("0123456789") for _ in range(7))


def phone_code(inbox: DevInbox, number: str, count: int = 1) -> str:
    message = inbox.wait_for(number, count=count)[0]
    return re.search(r"\d(?:\s?\d){3,7}", message["text"]).group(0).replace(" ", "")


def email_code(inbox: DevInbox, email: str, count: int = 1) -> str:
    return re.search(r"[A-Z]{3}-[A-Z]{3}", inbox.wait_for(email, count=count)[0]["text"]).group(0)


def realm_key(secret_b64: str, realm: str, purpose: str) -> OctKey:
    """The key Keycloak and the service derive for one realm and direction from the shared secret."""
    return OctKey.import_key(OnboardingKeys.parse(secret_b64).signing(realm, purpose))


def handover_link(browser: Browser, email: str, password: str) -> str:
    """Sign in and stop at Keycloak's redirect to the service: the hand-over link."""
    page = browser.open_login()
    action, fields = page.form()
    response = browser.session.post(action, data={**fields, "username": email, "password": password},
                                    allow_redirects=False, timeout=30)
    for _ in range(10):
        location = urljoin(response.url, response.headers.get("Location", ""))
        if "/onboarding/start" in location:
            return location
        assert response.status_code in (302, 303), f"no hand-over: {response.status_code} {response.text[:300]}"
        response = browser.session.get(location, allow_redirects=False, timeout=30)
    raise AssertionError("no hand-over within 10 redirects")


def handover_of(browser: Browser, email: str, password: str, secret_b64: str) -> dict:
    """Sign in and stop at Keycloak's redirect to the service; the hand-over token's claims."""
    token = parse_qs(urlparse(handover_link(browser, email, password)).query)["token"][0]
    key = realm_key(secret_b64, browser.realm_url.rsplit("/", 1)[1], HANDOVER)
    return dict(jwt.decode(token, key, algorithms=["HS256"]).claims)


def result_token(secret_b64: str, realm: str, *, key: OctKey | None = None, **claims) -> str:
    """A result as the service would sign it for `realm` (or with `key`, to forge one)."""
    now = int(time.time())
    body = {"iss": "idp-onboarding-service", "result": "completed", "iat": now, "exp": now + 120,
            "jti": str(uuid.uuid4()), **claims}
    return jwt.encode({"alg": "HS256"}, body, key or realm_key(secret_b64, realm, RESULT))


def return_with(handover: dict, result: str) -> str:
    return f"{handover['return_url']}&app-token={quote(result)}"
