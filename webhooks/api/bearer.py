"""Verifies a realm's access tokens: signed by a key of that realm's JWKS, issued by one of this
provider's realms at its public URL, not expired, and meant for this service (its client id among
the audiences, which `idp apply` adds to the relying apps' tokens). No Flask."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from webhooks.domain_errors import DomainError

JWKS_CACHE_SECONDS = 300.0
REALM_NAME = re.compile(r"^[a-z][a-z0-9-]{1,62}$")


class Unauthorized(DomainError):
    status = 401
    code = "invalid_token"


class Forbidden(DomainError):
    status = 403
    code = "insufficient_scope"


@dataclass(frozen=True)
class Caller:
    realm: str
    user_id: str  # for a machine client's token: its service account's user id
    client_id: str
    roles: frozenset[str] = frozenset()  # the realm roles the token carries


class BearerVerifier:
    def __init__(self, keycloak_url: str, issuer_base: str, audience: str) -> None:
        self._keycloak_url, self._issuer_base, self._audience = keycloak_url, issuer_base, audience
        self._keys: dict[str, tuple[float, KeySet]] = {}
        self._lock = threading.Lock()

    def verify(self, authorization: str | None) -> Caller:
        """The caller named by an `Authorization: Bearer <token>` header, or Unauthorized."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Send the user's access token as `Authorization: Bearer <token>`.")
        realm = self._realm_of(token.strip())
        try:
            decoded = self._decode(token.strip(), realm)
            jwt.JWTClaimsRegistry(exp={"essential": True}, sub={"essential": True},
                                  iss={"essential": True, "value": f"{self._issuer_base}/realms/{realm}"},
                                  aud={"essential": True, "value": self._audience}).validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise Unauthorized("The access token is invalid, expired or not meant for this service.") from exc
        claims = decoded.claims
        access = claims.get("realm_access")
        roles = access.get("roles", []) if isinstance(access, dict) else []
        return Caller(realm, str(claims["sub"]), str(claims.get("azp", "")),
                      frozenset(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else frozenset())

    def _realm_of(self, token: str) -> str:
        """The realm the unverified token claims to come from; only this provider's realms are asked for keys."""
        try:
            issuer = json.loads(extract_compact(token.encode()).payload).get("iss", "")
        except (JoseError, ValueError, AttributeError) as exc:
            raise Unauthorized("The access token is malformed.") from exc
        prefix = f"{self._issuer_base}/realms/"
        realm = issuer[len(prefix):] if isinstance(issuer, str) and issuer.startswith(prefix) else ""
        if not REALM_NAME.match(realm):
            raise Unauthorized("The access token was not issued by this provider.")
        return realm

    def _decode(self, token: str, realm: str):
        try:
            return jwt.decode(token, self._key_set(realm), algorithms=["RS256", "PS256", "ES256"])
        except JoseError:
            # An unknown key id after a key rotation: read the realm's keys again, once.
            return jwt.decode(token, self._key_set(realm, refresh=True), algorithms=["RS256", "PS256", "ES256"])

    def _key_set(self, realm: str, refresh: bool = False) -> KeySet:
        with self._lock:
            cached = self._keys.get(realm)
        if cached is not None and not refresh and time.monotonic() - cached[0] < JWKS_CACHE_SECONDS:
            return cached[1]
        try:
            response = requests.get(f"{self._keycloak_url}/realms/{realm}/protocol/openid-connect/certs", timeout=5)
        except requests.RequestException as exc:
            raise Unauthorized("The realm's signing keys cannot be read right now.") from exc
        if not response.ok:
            raise Unauthorized("The access token was not issued by this provider.")
        keys = KeySet.import_key_set({"keys": [k for k in response.json().get("keys", []) if k.get("use") != "enc"]})
        with self._lock:
            self._keys[realm] = (time.monotonic(), keys)
        return keys
