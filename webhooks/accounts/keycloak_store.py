"""The Keycloak side of accounts: an account is an organization (alias: its number; attribute
accountName: its name); inside it, organization groups hold roles: `roles/<role>` for account roles
and `projects/<project>/<role>` for projects (a project's id is its group's id). Keycloak's token
mapper in extensions/ reads exactly this, so tokens never need the service."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

from keycloak import KeycloakAdmin

from contract.names import ACCOUNT_NAME_ATTRIBUTE
from webhooks.domain_errors import DomainError
from webhooks.keycloak_gateway import KeycloakGateway


class NumberTaken(DomainError):
    status = 409
    code = "account_number_taken"


def _ok(response, doing: str, allowed: tuple[int, ...] = ()) -> None:
    if response.status_code >= 300 and response.status_code not in allowed:
        raise DomainError(f"Keycloak refused {doing}: HTTP {response.status_code}", code="keycloak_refused",
                          status=502)


class KeycloakAccounts:
    def __init__(self, gateway: KeycloakGateway) -> None:
        self._gateway = gateway

    @staticmethod
    def _base(admin: KeycloakAdmin, realm: str) -> str:
        return f"admin/realms/{realm}/organizations"

    def create(self, realm: str, number: str, name: str, attributes: dict[str, str] | None = None) -> str:
        """A new organization for the account; NumberTaken if the number is in use."""
        def create(admin: KeycloakAdmin) -> str:
            extra = {key: [value] for key, value in (attributes or {}).items()}
            body = {"name": number, "alias": number, "enabled": True,
                    "attributes": {ACCOUNT_NAME_ATTRIBUTE: [name], **extra}}
            response = admin.connection.raw_post(self._base(admin, realm), data=json.dumps(body))
            if response.status_code == 409:
                raise NumberTaken(f"account number {number} is taken")
            _ok(response, "creating an account")
            return response.headers["Location"].rsplit("/", 1)[1]

        return self._gateway.call(realm, "creating an account", create)

    def find(self, realm: str, number: str) -> str | None:
        """The organization id of the account with this number, if any."""
        def find(admin: KeycloakAdmin) -> str | None:
            response = admin.connection.raw_get(self._base(admin, realm), search=number, exact="true")
            _ok(response, "finding an account")
            return next((o["id"] for o in response.json() if o.get("alias") == number), None)

        return self._gateway.call(realm, "finding an account", find)

    def add_member(self, realm: str, org_id: str, user_id: str) -> None:
        def add(admin: KeycloakAdmin) -> None:
            response = admin.connection.raw_post(f"{self._base(admin, realm)}/{org_id}/members",
                                                 data=json.dumps(user_id))
            _ok(response, "adding an account member", allowed=(409,))  # already a member

        self._gateway.call(realm, "adding an account member", add)

    def new_group(self, realm: str, org_id: str, parent_id: str | None, name: str) -> str:
        """Create an organization group (under parent_id, or at the top) known not to exist yet; its id.
        For a just-created account, where looking each level up first would only double the calls."""
        def create(admin: KeycloakAdmin) -> str:
            base = f"{self._base(admin, realm)}/{org_id}/groups"
            created = admin.connection.raw_post(f"{base}/{parent_id}/children" if parent_id else base,
                                                data=json.dumps({"name": name}))
            _ok(created, "creating an account group")
            return created.headers["Location"].rsplit("/", 1)[1] if created.headers.get("Location") \
                else created.json()["id"]

        return self._gateway.call(realm, "creating an account group", create)

    def group(self, realm: str, org_id: str, path: list[str]) -> str:
        """The id of the organization group at path (e.g. ["roles", "owner"]), created if missing."""
        def ensure(admin: KeycloakAdmin) -> str:
            base = f"{self._base(admin, realm)}/{org_id}/groups"
            parent: str | None = None
            for depth in range(len(path)):
                found = admin.connection.raw_get(f"{base}/group-by-path/{quote('/'.join(path[:depth + 1]))}")
                if found.status_code == 200:
                    parent = found.json()["id"]
                    continue
                _ok(found, "reading an account group", allowed=(404,))
                url = f"{base}/{parent}/children" if parent else base
                created = admin.connection.raw_post(url, data=json.dumps({"name": path[depth]}))
                _ok(created, "creating an account group")
                parent = created.headers["Location"].rsplit("/", 1)[1] if created.headers.get("Location") \
                    else created.json()["id"]
            assert parent is not None
            return parent

        return self._gateway.call(realm, "preparing an account group", ensure)

    def join(self, realm: str, org_id: str, group_id: str, user_id: str) -> None:
        def join(admin: KeycloakAdmin) -> None:
            response = admin.connection.raw_put(f"{self._base(admin, realm)}/{org_id}/groups/{group_id}/members/"
                                                f"{user_id}", data="")
            # 409: they have it already. A retry of an account opening cut short after this call (a
            # worker killed, Keycloak restarted) must go on, not fail at the same step forever.
            _ok(response, "giving a role", allowed=(409,))

        self._gateway.call(realm, "giving a role", join)

    def give(self, realm: str, org_id: str, path: list[str], user_id: str) -> None:
        """Make the member hold the role at path (e.g. ["roles", "owner"]): join its group."""
        self.join(realm, org_id, self.group(realm, org_id, path), user_id)

    def take(self, realm: str, org_id: str, path: list[str], user_id: str) -> None:
        """The member no longer holds the role at path."""
        self.leave(realm, org_id, self.group(realm, org_id, path), user_id)

    def _get(self, realm: str, path: str, doing: str, **params: str) -> object | None:
        """GET a path under the realm's organizations; None on 404."""
        def get(admin: KeycloakAdmin) -> object | None:
            response = admin.connection.raw_get(f"{self._base(admin, realm)}{path}", **params)
            if response.status_code == 404:
                return None
            _ok(response, doing)
            return response.json()

        return self._gateway.call(realm, doing, get)

    def _list(self, realm: str, path: str, doing: str, **params: str) -> list[dict]:
        return list(self._get(realm, path, doing, **params) or [])  # type: ignore[arg-type]

    def _modify(self, realm: str, path: str, doing: str, change: Callable[[dict], dict]) -> None:
        """Read a representation, change it, write it back (Keycloak's PUT replaces the whole)."""
        def modify(admin: KeycloakAdmin) -> None:
            url = f"{self._base(admin, realm)}{path}"
            current = admin.connection.raw_get(url)
            _ok(current, doing)
            _ok(admin.connection.raw_put(url, data=json.dumps(change(current.json()))), doing)

        self._gateway.call(realm, doing, modify)

    def _send(self, realm: str, method: str, path: str, doing: str, allowed: tuple[int, ...] = ()) -> None:
        def send(admin: KeycloakAdmin) -> None:
            url = f"{self._base(admin, realm)}{path}"
            response = admin.connection.raw_delete(url) if method == "DELETE" else admin.connection.raw_put(url, "")
            _ok(response, doing, allowed)

        self._gateway.call(realm, doing, send)

    def all(self, realm: str, first: int = 0, limit: int = 100) -> list[dict]:
        """The realm's accounts, a page at a time."""
        return self._list(realm, "", "listing accounts", first=str(first), max=str(limit), briefRepresentation="false")

    def account(self, realm: str, org_id: str) -> dict | None:
        return self._get(realm, f"/{quote(org_id)}", "reading an account")  # type: ignore[return-value]

    def accounts_of(self, realm: str, user_id: str) -> list[dict]:
        return self._list(realm, f"/members/{quote(user_id)}/organizations", "reading a user's accounts",
                          briefRepresentation="false")

    def members(self, realm: str, org_id: str) -> list[dict]:
        return self._list(realm, f"/{quote(org_id)}/members", "listing account members", max="500")

    def member_groups(self, realm: str, org_id: str, user_id: str) -> list[dict] | None:
        """The organization groups the member is in (with path and parentId); None: not a member."""
        found = self._get(realm, f"/{quote(org_id)}/members/{quote(user_id)}/groups", "reading a member's roles",
                          briefRepresentation="false", max="1000")
        return None if found is None else list(found)  # type: ignore[arg-type]

    def group_members(self, realm: str, org_id: str, group_id: str) -> list[dict]:
        return self._list(realm, f"/{quote(org_id)}/groups/{quote(group_id)}/members", "listing a role's holders",
                          max="1000")

    def top_groups(self, realm: str, org_id: str) -> list[dict]:
        return self._list(realm, f"/{quote(org_id)}/groups", "listing account groups", max="100")

    def children(self, realm: str, org_id: str, group_id: str) -> list[dict]:
        return self._list(realm, f"/{quote(org_id)}/groups/{quote(group_id)}/children", "listing projects",
                          max="1000")

    def leave(self, realm: str, org_id: str, group_id: str, user_id: str) -> None:
        self._send(realm, "DELETE", f"/{quote(org_id)}/groups/{quote(group_id)}/members/{quote(user_id)}",
                   "taking a role away", allowed=(404,))

    def remove_member(self, realm: str, org_id: str, user_id: str) -> None:
        self._send(realm, "DELETE", f"/{quote(org_id)}/members/{quote(user_id)}", "removing an account member",
                   allowed=(404,))

    def rename_group(self, realm: str, org_id: str, group_id: str, name: str) -> None:
        self._modify(realm, f"/{quote(org_id)}/groups/{quote(group_id)}", "renaming a project",
                     lambda group: {**group, "name": name})

    def set_attributes(self, realm: str, org_id: str, values: dict[str, str | None]) -> None:
        """Set (or, for None, drop) attributes of the account's organization, keeping the others."""
        def change(org: dict) -> dict:
            attributes = dict(org.get("attributes") or {})
            for key, value in values.items():
                if value is None:
                    attributes.pop(key, None)
                else:
                    attributes[key] = [value]
            return {**org, "attributes": attributes}

        self._modify(realm, f"/{quote(org_id)}", "changing an account's status", change)

    def rename_account(self, realm: str, org_id: str, name: str) -> None:
        """The account's name (its organization's accountName attribute); its number stays."""
        self._modify(realm, f"/{quote(org_id)}", "renaming an account", lambda org: {
            **org, "attributes": {**(org.get("attributes") or {}), ACCOUNT_NAME_ATTRIBUTE: [name]}})
