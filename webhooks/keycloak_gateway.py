"""The service's calls to Keycloak, as the idp-service client of each realm (client credentials)."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import requests
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError, KeycloakGetError

from contract.names import ACCOUNTS_ATTRIBUTE, DIRECTORY_ATTRIBUTE, ONBOARDING_ATTRIBUTE
from contract.secrets import realm_client_secret
from webhooks.domain_errors import DomainError

# A wizard page needs the realm's steps and name several times; `idp apply` changes show up this soon.
REALM_CACHE_SECONDS = 30.0


class KeycloakUnavailable(DomainError):
    status = 503
    code = "keycloak_unavailable"


class KeycloakGateway:
    """One admin client per realm, each logged in with that realm's service account and secret."""

    def __init__(self, base_url: str, client_id: str, client_secret: str) -> None:
        self._base_url = base_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._admins: dict[str, KeycloakAdmin] = {}
        self._realms: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def _admin(self, realm: str) -> KeycloakAdmin:
        with self._lock:
            if realm not in self._admins:
                self._admins[realm] = KeycloakAdmin(
                    server_url=self._base_url, realm_name=realm, user_realm_name=realm, client_id=self._client_id,
                    client_secret_key=realm_client_secret(self._client_secret, realm), grant_type="client_credentials",
                    timeout=15, max_retries=2)
            return self._admins[realm]

    def _call(self, realm: str, doing: str, fn):
        try:
            return fn(self._admin(realm))
        except KeycloakError as exc:
            with self._lock:
                self._admins.pop(realm, None)  # a fresh login next time (expired or rotated secret)
            raise KeycloakUnavailable(f"Keycloak refused {doing} in realm {realm}: {exc}") from exc

    def stored_events(self, realm: str, since: datetime, types: list[str]) -> list[dict]:
        """Keycloak's stored user events of these types since `since` (a day early: it filters by date)."""
        return self._paged(realm, "reading stored events", lambda admin, query: admin.get_events(
            {**query, "type": types}), since)

    def stored_admin_events(self, realm: str, since: datetime, resource_types: list[str],
                            operations: list[str]) -> list[dict]:
        """Keycloak's stored admin events on these resources and operations since `since`."""
        return self._paged(realm, "reading stored admin events", lambda admin, query: admin.get_admin_events(
            {**query, "resourceTypes": resource_types, "operationTypes": operations}), since)

    def _paged(self, realm: str, doing: str, fetch, since: datetime, page: int = 100) -> list[dict]:
        query_from = (since - timedelta(days=1)).astimezone(UTC).strftime("%Y-%m-%d")
        found: list[dict] = []
        first = 0
        while True:
            batch = self._call(realm, doing, lambda admin, first=first: fetch(
                admin, {"dateFrom": query_from, "first": first, "max": page}))
            found.extend(batch)
            if len(batch) < page:
                return found
            first += page

    def onboarding_config(self, realm: str) -> dict:
        """The tenant's onboarding section, as `idp apply` published it on the realm."""
        raw = (self._realm(realm).get("attributes") or {}).get(ONBOARDING_ATTRIBUTE)
        return json.loads(raw) if raw else {"enforce": "login", "steps": []}

    def accounts_config(self, realm: str) -> dict | None:
        """The tenant's accounts section as `idp apply` published it, or None: no accounts."""
        raw = (self._realm(realm).get("attributes") or {}).get(ACCOUNTS_ATTRIBUTE)
        return json.loads(raw) if raw else None

    def directory_entry(self, realm: str) -> dict | None:
        """The tenant's entry in the provider chooser as `idp apply` published it, or None: unlisted."""
        raw = (self._realm(realm).get("attributes") or {}).get(DIRECTORY_ATTRIBUTE)
        return json.loads(raw) if raw else None

    def call(self, realm: str, doing: str, fn):
        """Run fn(admin) as the realm's service account; a refusal becomes KeycloakUnavailable. For the
        adapters of other areas (accounts) that need admin calls this class does not wrap."""
        return self._call(realm, doing, fn)

    def realm_exists(self, realm: str, fresh: bool = False) -> bool:
        """Whether Keycloak serves this realm (its public realm endpoint; no admin call for a guess). A
        page may trust a realm read in the last 30 s; `fresh` asks Keycloak now, for the reconciler,
        which must not mistake a realm deleted a moment ago for one that failed."""
        if not fresh:
            with self._lock:
                cached = self._realms.get(realm)
            if cached is not None and time.monotonic() - cached[0] < REALM_CACHE_SECONDS:
                return True
        try:
            response = requests.get(f"{self._base_url}/realms/{realm}", timeout=5)
        except requests.RequestException as exc:
            raise KeycloakUnavailable(f"Keycloak did not answer for realm {realm}: {type(exc).__name__}") from exc
        return response.status_code == 200

    def realm_attributes(self, realm: str) -> dict[str, str]:
        """The realm's attributes (the tenant's sections `idp apply` published), read at most every 30 s."""
        return self._realm(realm).get("attributes") or {}

    def display_name(self, realm: str) -> str:
        """The tenant's name as its login pages show it."""
        return self._realm(realm).get("displayName") or realm

    def default_locale(self, realm: str) -> str:
        """The tenant's first language (what a voice line speaks to a caller it cannot otherwise place)."""
        return self._realm(realm).get("defaultLocale") or "en"

    def _realm(self, realm: str) -> dict:
        with self._lock:
            cached = self._realms.get(realm)
        if cached is not None and time.monotonic() - cached[0] < REALM_CACHE_SECONDS:
            return cached[1]
        representation = self._call(realm, "reading the realm", lambda admin: admin.get_realm(realm))
        with self._lock:
            self._realms[realm] = (time.monotonic(), representation)
        return representation

    def find_user(self, realm: str, email: str) -> dict | None:
        """The user with exactly this email, if any."""
        found = self._call(realm, "finding a user", lambda admin: admin.get_users({"email": email, "exact": True}))
        return next((u for u in found if (u.get("email") or "").lower() == email.lower()), None)

    def get_user(self, realm: str, user_id: str) -> dict:
        return self._call(realm, "reading a user", lambda admin: admin.get_user(user_id))

    def update_user(self, realm: str, user_id: str, changes: dict) -> None:
        """Apply changes to the user's representation (attributes merge with what is there)."""
        def update(admin: KeycloakAdmin) -> None:
            user = admin.get_user(user_id)
            if "attributes" in changes:
                changes["attributes"] = {**(user.get("attributes") or {}), **changes["attributes"]}
            admin.update_user(user_id, {**user, **changes})

        self._call(realm, "updating a user", update)

    def realm_roles_of(self, realm: str, user_id: str) -> set[str]:
        """The realm roles the user (e.g. a machine client's service account) holds directly right now;
        empty when the user is gone (its client deleted)."""
        def read(admin: KeycloakAdmin) -> set[str]:
            try:
                return {r["name"] for r in admin.get_realm_roles_of_user(user_id)}
            except KeycloakGetError as exc:
                if exc.response_code == 404:
                    return set()
                raise

        return self._call(realm, "reading a caller's roles", read)
