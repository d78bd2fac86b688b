"""Users sign in to the service's pages through their realm with OpenID Connect (authorization code,
PKCE S256, state and nonce), as the realm's `idp-service` client, by authlib's Flask client: one
registration per realm, made on first use. The browser is sent to Keycloak's public URL; the code is
exchanged and the ID token's keys read at Keycloak's internal URL. The signed-in user is kept in the
signed session cookie only until the ID token expires, so a session ended in Keycloak ends here soon
after (the next visit goes through Keycloak again, silently while its SSO session lives)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from authlib.integrations.flask_client import OAuth
from flask import Flask, session

from contract.secrets import realm_client_secret
from webhooks.config import ServiceConfig

SESSION_KEY = "signed_in"


@dataclass(frozen=True)
class SignedInUser:
    realm: str
    user_id: str
    email: str


class PortalSignIn:
    def __init__(self, app: Flask, config: ServiceConfig) -> None:
        self._oauth = OAuth(app)
        self._config = config
        self._lock = threading.Lock()

    def redirect_uri(self, realm: str) -> str:
        return f"{self._config.public_url}/my/{realm}/signed-in"

    def logout_url(self, realm: str) -> str:
        """Keycloak's end of the session, coming back to the balance page."""
        query = urlencode({"client_id": self._config.service_client_id,
                           "post_logout_redirect_uri": f"{self._config.public_url}/my/{realm}/balance"})
        return f"{self._config.issuer_base}/realms/{realm}/protocol/openid-connect/logout?{query}"

    def client(self, realm: str):
        """The realm's OIDC client (authlib), registered on first use."""
        name = f"realm-{realm}"
        with self._lock:
            existing = self._oauth.create_client(name)
            if existing is not None:
                return existing
            issuer = f"{self._config.issuer_base}/realms/{realm}"
            internal = f"{self._config.keycloak_url}/realms/{realm}/protocol/openid-connect"
            shared = self._config.service_client_secret
            return self._oauth.register(
                name, client_id=self._config.service_client_id,
                client_secret=realm_client_secret(shared, realm) if shared else "",
                authorize_url=f"{issuer}/protocol/openid-connect/auth", access_token_url=f"{internal}/token",
                jwks_uri=f"{internal}/certs", issuer=issuer,
                client_kwargs={"scope": "openid email", "code_challenge_method": "S256",
                               "token_endpoint_auth_method": "client_secret_post", "timeout": 10})

    @staticmethod
    def remember(realm: str, claims: dict) -> None:
        signed_in = dict(session.get(SESSION_KEY) or {})
        signed_in[realm] = {"sub": claims["sub"], "email": claims.get("email", ""), "until": int(claims["exp"])}
        session[SESSION_KEY] = signed_in

    @staticmethod
    def current(realm: str) -> SignedInUser | None:
        entry = (session.get(SESSION_KEY) or {}).get(realm)
        if not entry or entry.get("until", 0) <= time.time():
            return None
        return SignedInUser(realm, entry["sub"], entry.get("email", ""))

    @staticmethod
    def forget(realm: str) -> None:
        signed_in = dict(session.get(SESSION_KEY) or {})
        signed_in.pop(realm, None)
        session[SESSION_KEY] = signed_in
