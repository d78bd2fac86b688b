"""The hand-over from Keycloak is accepted only signed with its realm's hand-over key, fresh, for us,
and returning into Keycloak; results are signed with the realm's result key."""

from __future__ import annotations

import base64
import os
import time

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey

from webhooks.onboarding.keys import HANDOVER, RESULT, OnboardingKeys, derive
from webhooks.onboarding.tokens import InvalidHandover, sign_result, verify_handover

SECRET = base64.b64encode(os.urandom(32)).decode()
KEYS = OnboardingKeys.parse(SECRET)
KC = "http://127.0.0.1:8080"


def handover(key: bytes | None = None, **override) -> str:
    now = int(time.time())
    claims = {"iss": f"{KC}/realms/cloud", "aud": "idp-onboarding", "sub": "user-1", "jti": "h-1", "iat": now,
              "exp": now + 300, "realm": "cloud", "rid": "r-1", "locale": "ru",
              "return_url": f"{KC}/realms/cloud/login-actions/action-token?key=abc&client_id=app&tab_id=t"}
    claims.update(override)
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(key or KEYS.signing("cloud", HANDOVER)))


def test_keys_match_the_java_side():
    """The vector OnboardingKeysTest.java checks too: both sides derive the same key per realm and direction."""
    keys = OnboardingKeys.parse("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
    assert keys.signing("cloud", HANDOVER).hex() == "957eae5403554e4a26ace59a2bd6227901969132d8a39513f715dd34c6ddb5aa"
    assert keys.signing("cloud", RESULT).hex() == "b756e8b796b5c730e75684c3b72349f9320cd9a713d1abc7acb7cd5399ca071a"


def test_a_good_handover_is_read():
    h = verify_handover(handover(), KEYS, KC)
    assert (h.realm, h.user_id, h.return_id, h.locale) == ("cloud", "user-1", "r-1", "ru")


@pytest.mark.parametrize(("token", "why"), [
    (handover(key=os.urandom(32)), "forged"),
    (handover(key=base64.b64decode(SECRET)), "signed with the shared secret itself, not the realm's key"),
    (handover(key=KEYS.signing("paas", HANDOVER)), "signed with another realm's key"),
    (handover(key=KEYS.signing("cloud", RESULT)), "signed with the other direction's key"),
    (handover(exp=int(time.time()) - 5), "expired"),
    (handover(aud="someone-else"), "wrong audience"),
    (handover(iss=f"{KC}/realms/other"), "issuer of another realm"),
    (handover(return_url="https://evil.example/steal?x="), "open redirect"),
    (handover(return_url=f"{KC}/realms/other/login-actions/action-token?key=abc"), "return into another realm"),
    ("not-a-token", "garbage"),
    ("a.b.c", "garbage in three parts"),
])
def test_bad_handovers_are_refused(token, why):
    with pytest.raises(InvalidHandover):
        verify_handover(token, KEYS, KC)


def test_a_rotation_accepts_the_previous_secret_and_signs_with_the_new_one():
    new = base64.b64encode(os.urandom(32)).decode()
    rotating = OnboardingKeys.parse(new, (SECRET,))
    assert verify_handover(handover(), rotating, KC).user_id == "user-1", "the old secret still works"
    result = sign_result(rotating, realm="cloud", issuer=f"{KC}/realms/cloud", user_id="u", return_id="r")
    jwt.decode(result, OctKey.import_key(derive(base64.b64decode(new), RESULT, "cloud")), algorithms=["HS256"])
    with pytest.raises(InvalidHandover):
        verify_handover(handover(), OnboardingKeys.parse(new), KC)  # rotation over: the old one is gone


def test_weak_or_missing_secrets_give_no_keys():
    assert OnboardingKeys.parse("") is None
    assert OnboardingKeys.parse(base64.b64encode(b"short").decode()) is None
    assert OnboardingKeys.parse("not base64!") is None
    with pytest.raises(InvalidHandover):
        verify_handover(handover(), None, KC)


def test_the_result_names_user_realm_and_handover_and_expires_soon():
    result = sign_result(KEYS, realm="cloud", issuer=f"{KC}/realms/cloud", user_id="user-1", return_id="r-1")
    claims = jwt.decode(result, OctKey.import_key(KEYS.signing("cloud", RESULT)), algorithms=["HS256"]).claims
    assert claims["aud"] == f"{KC}/realms/cloud" and claims["sub"] == "user-1" and claims["rid"] == "r-1"
    assert claims["result"] == "completed" and 0 < claims["exp"] - time.time() <= 120
