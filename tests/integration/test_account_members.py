"""Members of an account through the JSON API with users' own access tokens: listed to members,
roles changed and members removed exactly as the tenant's grant table allows, checked against the
live assignment (a token from before a demotion grants nothing), the last owner kept, and a removed
member's next token no longer names the account."""

from __future__ import annotations

import requests

from contract.names import ACCOUNT_ROLES_GROUP, PROJECTS_GROUP
from tests.support.oidc import exchange_code, refresh, verify_id_token
from tests.support.stack import create_user
from webhooks.accounts.keycloak_store import KeycloakAccounts
from webhooks.accounts.service import AccountService
from webhooks.db import make_engine, make_sessions, upgrade
from webhooks.keycloak_gateway import KeycloakGateway

PASSWORD = "Sunny-Harbor7"


class Person:
    def __init__(self, tenant, admin, stack):
        self.user_id, self.email = create_user(admin, tenant.realm)
        self.browser = tenant.browser()
        self.tokens = exchange_code(self.browser, self.browser.login(self.email, PASSWORD))
        self._url = f"{stack.settings.service_url}/api/v1/accounts"

    def call(self, method: str, path: str = "", **body) -> requests.Response:
        return requests.request(method, self._url + path, json=body or None, timeout=15,
                                headers={"Authorization": f"Bearer {self.tokens['access_token']}"})

    def refreshed_accounts(self) -> list:
        answer = refresh(self.browser, self.tokens["refresh_token"])
        assert answer.status_code == 200, answer.text
        return verify_id_token(self.browser, answer.json()["id_token"], refreshed=True)["accounts"]


def test_members_and_roles_follow_the_table_and_the_live_assignment(make_tenant, stack, admin, tmp_path):
    tenant = make_tenant("cloud")
    owner, user_admin, member, viewer, outsider = (Person(tenant, admin, stack) for _ in range(5))
    engine = make_engine(f"sqlite:///{tmp_path / 'service.db'}")
    upgrade(engine)
    gateway = KeycloakGateway(stack.keycloak_url, "idp-service", stack.secrets.service_client_secret)
    store = KeycloakAccounts(gateway)
    opened = AccountService(make_sessions(engine), gateway, store).open_signup_account(tenant.realm, owner.user_id)
    org = opened.org_id
    for person, role in ((user_admin, "user-admin"), (member, "member"), (viewer, "viewer")):  # as invitations will
        store.add_member(tenant.realm, org, person.user_id)
        store.join(tenant.realm, org, store.group(tenant.realm, org, [ACCOUNT_ROLES_GROUP, role]), person.user_id)

    mine = owner.call("GET").json()["accounts"]
    assert mine == [{"id": org, "number": opened.account_number, "name": "Test User", "role": "owner",
                     "status": "pending", "status_reason": None, "trial_ends_at": None}]
    listed = viewer.call("GET", f"/{org}/members")
    assert listed.status_code == 200
    assert {m["email"]: m["role"] for m in listed.json()["members"]} == {
        owner.email: "owner", user_admin.email: "user-admin", member.email: "member", viewer.email: "viewer"}
    assert outsider.call("GET", f"/{org}/members").status_code == 404, "not a member: no such account for them"

    assert user_admin.call("PUT", f"/{org}/members/{member.user_id}", role="viewer").status_code == 200
    above = user_admin.call("PUT", f"/{org}/members/{owner.user_id}", role="member")
    assert above.status_code == 403 and "may not give or take away the role Account Owner" in above.json()["message"]
    assert user_admin.call("PUT", f"/{org}/members/{viewer.user_id}", role="owner").status_code == 403
    assert viewer.call("PUT", f"/{org}/members/{member.user_id}", role="member").status_code == 403
    unknown = user_admin.call("PUT", f"/{org}/members/{member.user_id}", role="root")
    assert unknown.status_code == 422 and "'root' is not an account role" in unknown.json()["message"]

    last = owner.call("PUT", f"/{org}/members/{owner.user_id}", role="member")
    assert last.status_code == 409 and last.json()["error"] == "last_owner"
    assert owner.call("DELETE", f"/{org}/members/{owner.user_id}").status_code == 409

    [project] = owner.call("GET", f"/{org}/projects").json()["projects"]
    assert project["name"] == "Default project"
    assert user_admin.call("PUT", f"/{org}/projects/{project['id']}/members/{viewer.user_id}",
                           role="developer").status_code == 200
    assert viewer.call("PUT", f"/{org}/projects/{project['id']}/members/{member.user_id}",
                       role="developer").status_code == 403
    [in_token] = viewer.refreshed_accounts()
    assert in_token["roles"] == ["viewer"] and in_token["projects"] == [
        {"id": project["id"], "name": "Default project", "roles": ["developer"]}], "the next token shows it"

    # Demoted: user_admin's token still says user-admin, the live assignment does not.
    assert owner.call("PUT", f"/{org}/members/{user_admin.user_id}", role="member").status_code == 200
    stale = user_admin.call("PUT", f"/{org}/members/{member.user_id}", role="member")
    assert stale.status_code == 403, "the live role decides, not the minutes-old token"

    assert owner.call("DELETE", f"/{org}/members/{viewer.user_id}").status_code == 204
    assert viewer.refreshed_accounts() == [], "a removed member's next token has no such account"
    assert store.member_groups(tenant.realm, org, viewer.user_id) is None
    store.add_member(tenant.realm, org, viewer.user_id)
    assert store.member_groups(tenant.realm, org, viewer.user_id) == [], "leaving took the roles with it"
    assert [g for g in store.top_groups(tenant.realm, org) if g["name"] == PROJECTS_GROUP]


def test_projects_are_created_and_renamed_and_every_change_is_an_event(make_tenant, stack, admin, tmp_path):
    tenant = make_tenant("cloud")
    owner, member = Person(tenant, admin, stack), Person(tenant, admin, stack)
    engine = make_engine(f"sqlite:///{tmp_path / 'service.db'}")
    upgrade(engine)
    gateway = KeycloakGateway(stack.keycloak_url, "idp-service", stack.secrets.service_client_secret)
    store = KeycloakAccounts(gateway)
    org = AccountService(make_sessions(engine), gateway, store).open_signup_account(tenant.realm, owner.user_id).org_id
    store.add_member(tenant.realm, org, member.user_id)
    store.join(tenant.realm, org, store.group(tenant.realm, org, [ACCOUNT_ROLES_GROUP, "member"]), member.user_id)

    assert member.call("POST", f"/{org}/projects", name="Mine").status_code == 403
    made = owner.call("POST", f"/{org}/projects", name="Production")
    assert made.status_code == 201
    project = made.json()
    assert owner.call("POST", f"/{org}/projects", name="Production").status_code == 409
    assert owner.call("POST", f"/{org}/projects", name="a/b").status_code == 422
    renamed = owner.call("PATCH", f"/{org}/projects/{project['id']}", name="Staging")
    assert renamed.json() == {"id": project["id"], "name": "Staging"}
    [in_token] = owner.refreshed_accounts()
    assert {"id": project["id"], "name": "Staging", "roles": ["project-admin"]} in in_token["projects"]
    assert owner.call("PUT", f"/{org}/members/{member.user_id}", role="viewer").status_code == 200

    assert member.call("GET", f"/{org}/events").status_code == 403, "events are for those who manage members"
    events = owner.call("GET", f"/{org}/events").json()["events"]
    assert [e["type"] for e in events] == ["role_changed", "project_renamed", "project_created"]
    assert events[0]["actor"] == owner.user_id and events[0]["subject"] == member.user_id
    assert events[0]["details"] == {"before": "member", "after": "viewer"}
