"""`idp accounts list|show`, `idp users show` and `idp invite` against the running stack, with
--json for scripts and a clear message (exit 1, no traceback) for a wrong account or role."""

from __future__ import annotations

import json

from tests.integration.test_account_members import Person
from tests.integration.test_apply import idp
from tests.integration.test_invitations import _account
from tests.support.inbox import first_link


def test_the_operator_sees_accounts_and_users_and_invites(make_tenant, stack, admin, tmp_path):
    tenant = make_tenant("cloud")
    owner = Person(tenant, admin, stack)
    opened = _account(stack, tenant, owner, tmp_path)
    realm, number = tenant.realm, opened.account_number

    listed = idp(stack, "accounts", "list", "--realm", realm, "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["accounts"] == [{"id": opened.org_id, "number": number, "name": "Test User",
                                                       "enabled": True, "status": "pending"}]
    shown = json.loads(idp(stack, "accounts", "show", number, "--realm", realm, "--json").stdout)
    assert [(m["email"], m["role"]) for m in shown["members"]] == [(owner.email, "owner")]
    assert [p["name"] for p in shown["projects"]] == ["Default project"]
    assert "Account " + number in idp(stack, "accounts", "show", number, "--realm", realm).stdout

    user = json.loads(idp(stack, "users", "show", owner.email, "--realm", realm, "--json").stdout)
    assert user["onboarding_complete"] is True and user["email_verified"] is True
    assert [(a["number"], a["role"]) for a in user["accounts"]] == [(number, "owner")]

    invited = idp(stack, "invite", "new-hire@example.test", "--realm", realm, "--account", number, "--role", "member",
                  "--project", "Default project", "--project-role", "developer", "--json")
    assert invited.returncode == 0, invited.stderr
    assert json.loads(invited.stdout)["role"] == "member"
    mail = stack.inbox.wait_for("new-hire@example.test")[0]
    assert number in mail["subject"] and "/invitations/" in first_link(mail, "/invitations/")

    for args, message in (
        (["invite", "x@example.test", "--realm", realm, "--account", number, "--role", "root"],
         "'root' is not one of this provider's account roles"),
        (["invite", "x@example.test", "--realm", realm, "--account", "0000-0000", "--role", "member"],
         "No account 0000-0000"),
        (["users", "show", "nobody@example.test", "--realm", realm], "No user with email nobody@example.test"),
    ):
        result = idp(stack, *args)
        assert result.returncode == 1 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
