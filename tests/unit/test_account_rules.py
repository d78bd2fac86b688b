"""The grant table applied: every actor role against every target role, for giving, changing and
taking away account roles, exactly as the shipped table says; project roles by account or project
role; an account never loses its last owner."""

from __future__ import annotations

import itertools

import pytest
import yaml

from contract.accounts import Accounts
from tests.unit.test_validate import ROOT
from webhooks.accounts.rules import Holder, LastOwner, RoleRefused, check_account_change, check_project_change

SETTINGS = Accounts.model_validate(yaml.safe_load((ROOT / "idp-config" / "defaults.yaml").read_text())["accounts"])
ACCOUNT = [r.id for r in SETTINGS.account_roles]
PROJECT = [r.id for r in SETTINGS.project_roles]
MAY = {"owner": set(ACCOUNT), "user-admin": set(ACCOUNT) - {"owner"}}


def _allowed(check) -> bool:
    try:
        check()
    except RoleRefused:
        return False
    return True


@pytest.mark.parametrize(("actor", "target"), list(itertools.product(ACCOUNT, ACCOUNT)))
def test_giving_and_taking_away_an_account_role_follows_the_table(actor, target):
    holder = Holder(actor, {})
    expected = target in MAY.get(actor, set())
    assert _allowed(lambda: check_account_change(SETTINGS, holder, None, target, owners=2)) is expected  # give
    assert _allowed(lambda: check_account_change(SETTINGS, holder, target, None, owners=2)) is expected  # remove
    # change member -> target: needs both ends
    both = expected and "member" in MAY.get(actor, set())
    assert _allowed(lambda: check_account_change(SETTINGS, holder, "member", target, owners=2)) is both


@pytest.mark.parametrize(("actor", "target"), list(itertools.product(ACCOUNT + PROJECT, PROJECT)))
def test_project_roles_by_account_role_or_by_role_in_that_project(actor, target):
    holder = Holder(actor, {}) if actor in ACCOUNT else Holder("viewer", {"p1": actor})
    expected = actor in ("owner", "user-admin", "project-admin")
    assert _allowed(lambda: check_project_change(SETTINGS, holder, "p1", None, target)) is expected
    if actor == "project-admin":
        assert not _allowed(lambda: check_project_change(SETTINGS, holder, "p2", None, target)), "only in its project"


def test_the_last_owner_stays():
    owner = Holder("owner", {})
    with pytest.raises(LastOwner, match="make another member Account Owner first"):
        check_account_change(SETTINGS, owner, "owner", "member", owners=1)
    with pytest.raises(LastOwner):
        check_account_change(SETTINGS, owner, "owner", None, owners=1)
    check_account_change(SETTINGS, owner, "owner", "member", owners=2)


def test_an_unknown_or_wrong_level_role_is_named():
    with pytest.raises(RoleRefused, match="'root' is not an account role"):
        check_account_change(SETTINGS, Holder("owner", {}), None, "root", owners=1)
    with pytest.raises(RoleRefused, match="'developer' is not an account role"):
        check_account_change(SETTINGS, Holder("owner", {}), None, "developer", owners=1)
