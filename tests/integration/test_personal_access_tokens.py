"""Personal access tokens over HTTP against the real stack: a user with API access creates one (the
secret shown once, only its hash kept), a provider's API checks it by introspection (RFC 7662), and
it stops working at once in every way it must: revoked, expired, API access taken away, the owner
disabled, or (for a token limited to an account) the owner removed or given a lower role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from contract.names import ACCOUNT_ROLES_GROUP, API_ACCESS_ROLE, TOKEN_INTROSPECTOR_ROLE
from tests.integration.test_account_members import Person
from tests.integration.test_invitations import _account
from webhooks.accounts.keycloak_store import KeycloakAccounts
from webhooks.keycloak_gateway import KeycloakGateway

RESOURCE_SERVER = {"client_id": "acme-api", "name": "ACME API", "roles": [TOKEN_INTROSPECTOR_ROLE],
                   "secret": "resource-server-secret-0123456789abcdef"}


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("cloud", machine_clients=[RESOURCE_SERVER])


def _grant_api_access(admin, realm: str, user_id: str) -> None:
    admin.change_current_realm(realm)
    admin.assign_realm_roles(user_id, [admin.get_realm_role(API_ACCESS_ROLE)])


class ResourceServer:
    """The provider's API: client credentials for itself, then introspection of what callers send."""

    def __init__(self, stack, realm: str, secret: str = RESOURCE_SERVER["secret"]) -> None:
        answer = requests.post(f"{stack.keycloak_url}/realms/{realm}/protocol/openid-connect/token", timeout=15,
                               data={"grant_type": "client_credentials", "client_id": RESOURCE_SERVER["client_id"],
                                     "client_secret": secret})
        assert answer.status_code == 200, answer.text
        self._token = answer.json()["access_token"]
        self._url = f"{stack.settings.service_url}/api/v1/tokens/introspect"

    def introspect(self, token: str) -> dict:
        answer = requests.post(self._url, data={"token": token}, timeout=15,
                               headers={"Authorization": f"Bearer {self._token}"})
        assert answer.status_code == 200, answer.text
        return answer.json()


def _create(person: Person, **body) -> requests.Response:
    return requests.post(person._url.replace("/accounts", "/me/tokens"), json=body, timeout=15,
                         headers={"Authorization": f"Bearer {person.tokens['access_token']}"})


def _service_db(stack) -> Path:
    return Path(stack.settings.state_dir) / "data" / "service.db"


def test_a_token_is_created_once_listed_without_its_secret_and_checked_by_introspection(tenant, stack, admin):
    owner = Person(tenant, admin, stack)
    refused = _create(owner, name="deploy", days=30)
    assert refused.status_code == 403 and "Turn on API access first" in refused.json()["message"]
    _grant_api_access(admin, tenant.realm, owner.user_id)
    created = _create(owner, name="deploy", days=30)
    assert created.status_code == 201, created.text
    token = created.json()["token"]
    assert token.startswith("idpat_") and created.json()["hint"] == token[-4:]

    listed = requests.get(owner._url.replace("/accounts", "/me/tokens"), timeout=15,
                          headers={"Authorization": f"Bearer {owner.tokens['access_token']}"}).json()["tokens"]
    assert [t["name"] for t in listed] == ["deploy"] and "token" not in listed[0]

    api = ResourceServer(stack, tenant.realm)
    answer = api.introspect(token)
    assert answer["active"] is True and answer["sub"] == owner.user_id and answer["name"] == "deploy"
    assert answer["exp"] - answer["iat"] == 30 * 86400
    assert api.introspect(token[:-1] + ("x" if token[-1] != "x" else "y")) == {"active": False}
    assert api.introspect("idpat_" + "A" * 38) == {"active": False}

    # The secret is nowhere but in the answer that created it: not in the database, not in the logs.
    assert token.encode() not in _service_db(stack).read_bytes()
    for log in (Path(stack.settings.state_dir) / "logs").glob("*.log"):
        assert token not in log.read_text(errors="replace"), log


def test_a_token_stops_working_when_revoked_expired_or_its_owner_loses_api_access_or_is_disabled(
        tenant, stack, admin):
    owner = Person(tenant, admin, stack)
    _grant_api_access(admin, tenant.realm, owner.user_id)
    api = ResourceServer(stack, tenant.realm)
    url = owner._url.replace("/accounts", "/me/tokens")
    headers = {"Authorization": f"Bearer {owner.tokens['access_token']}"}

    revoked = _create(owner, name="revoked", days=5).json()
    assert api.introspect(revoked["token"])["active"] is True
    assert requests.delete(f"{url}/{revoked['id']}", headers=headers, timeout=15).status_code == 204
    assert api.introspect(revoked["token"]) == {"active": False}

    expired = _create(owner, name="expired", days=1).json()
    engine = create_engine(f"sqlite:///{_service_db(stack)}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE personal_access_tokens SET expires_at = :past WHERE id = :id"),
                           {"past": datetime.now(UTC) - timedelta(seconds=1), "id": expired["id"]})
    assert api.introspect(expired["token"]) == {"active": False}

    kept = _create(owner, name="kept", days=5).json()["token"]
    admin.change_current_realm(tenant.realm)
    admin.delete_realm_roles_of_user(owner.user_id, [admin.get_realm_role(API_ACCESS_ROLE)])
    assert api.introspect(kept) == {"active": False}, "API access taken away"
    _grant_api_access(admin, tenant.realm, owner.user_id)
    assert api.introspect(kept)["active"] is True
    admin.change_current_realm(tenant.realm)
    admin.update_user(owner.user_id, {"enabled": False})
    assert api.introspect(kept) == {"active": False}, "owner disabled"


def test_an_account_token_follows_the_owners_live_role_and_membership(tenant, stack, admin, tmp_path):
    owner, admin_user = Person(tenant, admin, stack), Person(tenant, admin, stack)
    opened = _account(stack, tenant, owner, tmp_path, (admin_user, "user-admin"))
    _grant_api_access(admin, tenant.realm, admin_user.user_id)
    api = ResourceServer(stack, tenant.realm)

    wider = _create(admin_user, name="too wide", days=5, account_id=opened.org_id, role="owner")
    assert wider.status_code == 403 and "above your own role" in wider.json()["message"]
    foreign = _create(admin_user, name="elsewhere", days=5, account_id="no-such-account")
    assert foreign.status_code == 404

    scoped = _create(admin_user, name="scoped", days=5, account_id=opened.org_id).json()
    assert scoped["role"] == "user-admin"
    answer = api.introspect(scoped["token"])
    assert answer["active"] is True and answer["accounts"] == [{"id": opened.org_id, "role": "user-admin"}]

    store = KeycloakAccounts(KeycloakGateway(stack.keycloak_url, "idp-service", stack.secrets.service_client_secret))
    for move, role in ((store.leave, "user-admin"), (store.join, "member")):
        move(tenant.realm, opened.org_id, store.group(tenant.realm, opened.org_id, [ACCOUNT_ROLES_GROUP, role]),
             admin_user.user_id)
    assert api.introspect(scoped["token"]) == {"active": False}, "now below the role the token relied on"

    member_token = _create(admin_user, name="as member", days=5, account_id=opened.org_id).json()["token"]
    assert api.introspect(member_token)["active"] is True
    store.remove_member(tenant.realm, opened.org_id, admin_user.user_id)
    assert api.introspect(member_token) == {"active": False}, "left the account"


def test_only_a_resource_server_with_the_role_may_introspect(tenant, stack, admin):
    person = Person(tenant, admin, stack)
    answer = requests.post(f"{stack.settings.service_url}/api/v1/tokens/introspect", data={"token": "x"},
                           headers={"Authorization": f"Bearer {person.tokens['access_token']}"}, timeout=15)
    assert answer.status_code == 403 and TOKEN_INTROSPECTOR_ROLE in answer.json()["message"]
    anonymous = requests.post(f"{stack.settings.service_url}/api/v1/tokens/introspect", data={"token": "x"},
                              timeout=15)
    assert anonymous.status_code == 401


def test_a_user_manages_tokens_on_the_api_access_page(tenant, stack, admin):
    person = Person(tenant, admin, stack)
    _grant_api_access(admin, tenant.realm, person.user_id)
    base = f"{stack.settings.service_url}/my/{tenant.realm}/api-access"
    page = person.browser.open(base)
    assert page.soup.find(id="no-tokens") is not None
    created = person.browser.submit(page, {"name": "laptop", "days": "7"}, "token-form")
    assert created.status == 201
    secret = created.soup.find(id="token-secret").text
    assert secret.startswith("idpat_") and "shown only this once" in created.soup.find(id="created-token").text
    assert "laptop" in created.soup.find(id="tokens").text
    assert ResourceServer(stack, tenant.realm).introspect(secret)["active"] is True
    again = person.browser.open(base)
    assert secret not in again.text, "the secret is shown once only"

    too_long = person.browser.open(base, lang="ru")
    refused = person.browser.submit(too_long, {"name": "forever", "days": "400"}, "token-form")
    assert refused.status == 422 and "Срок действия токена — от 1 до 90 дней." in refused.soup.find(id="error").text

    revoked = person.browser.submit(again, {}, "revoke-token-1")
    # The page keeps the language last chosen.
    assert "Токен отозван" in revoked.soup.find(id="done").text and revoked.soup.find(id="no-tokens")
    assert ResourceServer(stack, tenant.realm).introspect(secret) == {"active": False}


def test_account_admins_see_and_revoke_the_tokens_that_reach_their_account(tenant, stack, admin, tmp_path):
    owner, member = Person(tenant, admin, stack), Person(tenant, admin, stack)
    opened = _account(stack, tenant, owner, tmp_path, (member, "member"))
    _grant_api_access(admin, tenant.realm, member.user_id)
    scoped = _create(member, name="ci", days=5, account_id=opened.org_id).json()
    _create(member, name="personal", days=5)  # reaches no one account: not the admins' business

    listed = owner.call("GET", f"/{opened.org_id}/tokens")
    assert listed.status_code == 200
    assert [(t["name"], t["user_id"]) for t in listed.json()["tokens"]] == [("ci", member.user_id)]
    assert "token" not in listed.json()["tokens"][0]
    assert member.call("GET", f"/{opened.org_id}/tokens").status_code == 403, "a member does not manage members"
    assert owner.call("DELETE", f"/{opened.org_id}/tokens/{scoped['id']}").status_code == 204
    assert ResourceServer(stack, tenant.realm).introspect(scoped["token"]) == {"active": False}
    assert owner.call("GET", f"/{opened.org_id}/tokens").json()["tokens"] == []
