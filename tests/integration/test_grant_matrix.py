"""The whole grant table through the API: every inviter role against every target role, for
inviting, changing a member's role and removing them, allowed exactly as the tenant's table says
(the shipped defaults) and refused otherwise with 403."""

from __future__ import annotations

import itertools

import yaml

from contract.accounts import Accounts
from contract.names import ACCOUNT_ROLES_GROUP
from tests.integration.test_account_members import Person
from tests.integration.test_invitations import _account
from tests.unit.test_validate import ROOT
from webhooks.accounts.keycloak_store import KeycloakAccounts
from webhooks.keycloak_gateway import KeycloakGateway

SETTINGS = Accounts.model_validate(yaml.safe_load((ROOT / "idp-config" / "defaults.yaml").read_text())["accounts"])
ACCOUNT = [r.id for r in SETTINGS.account_roles]
PROJECT = [r.id for r in SETTINGS.project_roles]


def test_every_actor_against_every_role(make_tenant, stack, admin, tmp_path):
    tenant = make_tenant("cloud")
    owner = Person(tenant, admin, stack)
    actors = {role: Person(tenant, admin, stack) for role in ACCOUNT if role != "owner"} | {"owner": owner}
    opened = _account(stack, tenant, owner, tmp_path, *((p, r) for r, p in actors.items() if r != "owner"))
    org = opened.org_id
    [project] = owner.call("GET", f"/{org}/projects").json()["projects"]

    for (actor_role, actor), target in itertools.product(actors.items(), ACCOUNT):
        email = f"{actor_role}-to-{target}-{opened.account_number}@example.test"
        answer = actor.call("POST", f"/{org}/invitations", email=email, role=target)
        allowed = SETTINGS.may_grant(actor_role, target)
        assert answer.status_code == (201 if allowed else 403), (actor_role, target, answer.text)
    for (actor_role, actor), target in itertools.product(actors.items(), PROJECT):
        email = f"{actor_role}-to-project-{target}-{opened.account_number}@example.test"
        answer = actor.call("POST", f"/{org}/invitations", email=email, role="viewer", project_id=project["id"],
                            project_role=target)
        allowed = SETTINGS.may_grant(actor_role, "viewer") and SETTINGS.may_grant(actor_role, target)
        assert answer.status_code == (201 if allowed else 403), (actor_role, target, answer.text)

    # Change and remove: each actor against a subject holding each role (two owners, so the last-owner
    # rule stays out of the way; it has its own test).
    second_owner = Person(tenant, admin, stack)
    subjects = {role: Person(tenant, admin, stack) for role in ACCOUNT}
    store = KeycloakAccounts(KeycloakGateway(stack.keycloak_url, "idp-service", stack.secrets.service_client_secret))
    for role, person in [*subjects.items(), ("owner", second_owner)]:
        store.add_member(tenant.realm, org, person.user_id)
        store.join(tenant.realm, org, store.group(tenant.realm, org, [ACCOUNT_ROLES_GROUP, role]), person.user_id)
    for (actor_role, actor), (subject_role, subject) in itertools.product(actors.items(), subjects.items()):
        if actor is subject:
            continue
        to = "viewer" if subject_role != "viewer" else "member"
        allowed = SETTINGS.may_grant(actor_role, subject_role) and SETTINGS.may_grant(actor_role, to)
        changed = actor.call("PUT", f"/{org}/members/{subject.user_id}", role=to)
        assert changed.status_code == (200 if allowed else 403), (actor_role, subject_role, changed.text)
        if allowed:  # put it back for the next actor
            assert owner.call("PUT", f"/{org}/members/{subject.user_id}", role=subject_role).status_code == 200
        removal_allowed = SETTINGS.may_grant(actor_role, subject_role)
        if not removal_allowed:
            assert actor.call("DELETE", f"/{org}/members/{subject.user_id}").status_code == 403, (actor_role,
                                                                                                  subject_role)
    for role, subject in subjects.items():  # finally, removals that are allowed
        assert actors["owner"].call("DELETE", f"/{org}/members/{subject.user_id}").status_code == 204, role
