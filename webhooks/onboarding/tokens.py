"""Hand-over tokens from Keycloak's `onboarding` action and the signed results we send back (HS256)."""

from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from webhooks.domain_errors import DomainError

HANDOVER_AUDIENCE = "idp-onboarding"
RESULT_ISSUER = "idp-onboarding-service"
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


def _key(secret_b64: str) -> OctKey:
    return OctKey.import_key(base64.b64decode(secret_b64))


def verify_handover(token: str, secret_b64: str, keycloak_url: str) -> Handover:
    """Check signature, expiry, audience, issuer and that the way back leads into that realm."""
    if not secret_b64:
        raise InvalidHandover("Onboarding is not configured on this service.")
    try:
        decoded = jwt.decode(token, _key(secret_b64), algorithms=["HS256"])
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


def sign_result(secret_b64: str, *, issuer: str, user_id: str, return_id: str) -> str:
    """The short-lived result Keycloak checks before it completes the `onboarding` action."""
    now = int(time.time())
    claims = {"iss": RESULT_ISSUER, "aud": issuer, "sub": user_id, "rid": return_id, "result": "completed",
              "iat": now, "exp": now + RESULT_LIFETIME, "jti": str(uuid.uuid4())}
    return jwt.encode({"alg": "HS256"}, claims, _key(secret_b64))
