"""Hand-over tokens from Keycloak's `onboarding` action and the signed results we send back (HS256)."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from joserfc.jws import extract_compact

from contract.names import HANDOVER_AUDIENCE, RESULT_ISSUER
from webhooks.domain_errors import DomainError
from webhooks.onboarding.keys import HANDOVER, INVITATION, RESULT, OnboardingKeys

RESULT_LIFETIME = 120


class InvalidHandover(DomainError):
    status = 400
    code = "invalid_handover"


@dataclass(frozen=True)
class Handover:
    """Who is onboarding, in which realm, and the way back into their Keycloak sign-in."""

    token_id: str
    realm: str
    user_id: str
    issuer: str
    return_url: str
    return_id: str
    locale: str


def _claimed_realm(token: str) -> str:
    """The realm the unverified token names: it picks the key, and a changed claim breaks the signature."""
    try:
        realm = json.loads(extract_compact(token.encode()).payload).get("realm")
    except (JoseError, ValueError, AttributeError) as exc:
        raise InvalidHandover("This onboarding link is malformed.") from exc
    if not isinstance(realm, str) or not realm:
        raise InvalidHandover("This onboarding link names no realm.")
    return realm


def verify_handover(token: str, keys: OnboardingKeys | None, keycloak_url: str) -> Handover:
    """Check signature (the realm's hand-over key, current or previous), expiry, audience, issuer and
    that the way back leads into that realm."""
    if keys is None:
        raise InvalidHandover("Onboarding is not configured on this service.")
    realm = _claimed_realm(token)
    decoded = None
    for key in keys.accepted(realm, HANDOVER):
        try:
            decoded = jwt.decode(token, OctKey.import_key(key), algorithms=["HS256"])
            break
        except (JoseError, ValueError):
            continue
    if decoded is None:
        raise InvalidHandover("This onboarding link is invalid or has expired. Please sign in again.")
    try:
        jwt.JWTClaimsRegistry(
            exp={"essential": True}, aud={"essential": True, "value": HANDOVER_AUDIENCE},
            sub={"essential": True}, jti={"essential": True}, iat={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as exc:
        raise InvalidHandover("This onboarding link is invalid or has expired. Please sign in again.") from exc
    claims = decoded.claims
    realm = str(claims.get("realm", ""))
    expected_issuer = f"{keycloak_url}/realms/{realm}"
    return_url = str(claims.get("return_url", ""))
    # The way back must be this Keycloak's action-token endpoint of the same realm: an open
    # redirect here would hand a signed result to anyone.
    if claims.get("iss") != expected_issuer or not return_url.startswith(
            f"{expected_issuer}/login-actions/action-token?"):
        raise InvalidHandover("This onboarding link does not come from this provider's sign-in.")
    return Handover(token_id=claims["jti"], realm=realm, user_id=claims["sub"], issuer=expected_issuer,
                    return_url=return_url, return_id=str(claims.get("rid", "")),
                    locale=str(claims.get("locale") or "en")[:2])


def sign_result(keys: OnboardingKeys, *, realm: str, issuer: str, user_id: str, return_id: str) -> str:
    """The short-lived result Keycloak checks before it completes the `onboarding` action, signed with
    the realm's result key."""
    now = int(time.time())
    claims = {"iss": RESULT_ISSUER, "aud": issuer, "sub": user_id, "rid": return_id, "result": "completed",
              "iat": now, "exp": now + RESULT_LIFETIME, "jti": str(uuid.uuid4())}
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(keys.signing(realm, RESULT)))


INVITATION_HINT_LIFETIME = 1800


def sign_invitation_hint(keys: OnboardingKeys, *, realm: str, email: str) -> str:
    """What the registration form trusts to fill in and fix the invited email (and count it verified):
    signed with the realm's invitation key, for half an hour. Kept small: Keycloak caps the size of
    an auth request's extra parameters."""
    claims = {"iss": RESULT_ISSUER, "email": email, "exp": int(time.time()) + INVITATION_HINT_LIFETIME}
    return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(keys.signing(realm, INVITATION)))
