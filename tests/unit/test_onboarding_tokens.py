"""The hand-over from Keycloak is accepted only signed, fresh, for us, and returning into Keycloak."""

from __future__ import annotations

import base64
import os
import time

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from webhooks.onboarding.tokens import InvalidHandover, sign_result, verify_handover

SECRET = base64.b64encode(os.urandom(32)).decode()
KC = "http://127.0.0.1:8080"


def handover(secret: str = SECRET, **override) -> str:
    now = int(time.time())
    claims = {"iss": f"{KC}/realms/cloud", "aud": "idp-onboarding", "sub": "user-1", "jti": "h-1", "iat": now,
              "exp": now + 300, "realm": "cloud", "rid": "r-1", "locale": "ru",
              "return_url": f"{KC}/realms/cloud/login-actions/action-token?key=abc&client_id=app&tab_id=t"}
    claims.update(override)
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(base64.b64decode(secret)))


def test_a_good_handover_is_read():
    h = verify_handover(handover(), SECRET, KC)
    assert (h.realm, h.user_id, h.return_id, h.locale) == ("cloud", "user-1", "r-1", "ru")


@pytest.mark.parametrize(("token", "why"), [
    (handover(secret=base64.b64encode(os.urandom(32)).decode()), "forged"),
    (handover(exp=int(time.time()) - 5), "expired"),
    (handover(aud="someone-else"), "wrong audience"),
    (handover(iss=f"{KC}/realms/other"), "issuer of another realm"),
    (handover(return_url="https://evil.example/steal?x="), "open redirect"),
    (handover(return_url=f"{KC}/realms/other/login-actions/action-token?key=abc"), "return into another realm"),
    ("not-a-token", "garbage"),
])
def test_bad_handovers_are_refused(token, why):
    with pytest.raises(InvalidHandover):
        verify_handover(token, SECRET, KC)


def test_the_result_names_user_realm_and_handover_and_expires_soon():
    result = sign_result(SECRET, issuer=f"{KC}/realms/cloud", user_id="user-1", return_id="r-1")
    claims = jwt.decode(result, OctKey.import_key(base64.b64decode(SECRET)), algorithms=["HS256"]).claims
    assert claims["aud"] == f"{KC}/realms/cloud" and claims["sub"] == "user-1" and claims["rid"] == "r-1"
    assert claims["result"] == "completed" and 0 < claims["exp"] - time.time() <= 120
