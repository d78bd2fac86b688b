"""The tenant's role table: `idp validate` refuses a grant above the granting role, an unknown role,
a project role granting an account role, and a table where nobody can manage members."""

from __future__ import annotations

import shutil

import pytest
import yaml
from pydantic import ValidationError

from contract.accounts import Accounts
from tests.unit.test_validate import ROOT, validate


def _shipped() -> dict:
    return yaml.safe_load((ROOT / "idp-config" / "defaults.yaml").read_text())["accounts"]


def test_the_shipped_table_is_valid_and_ranked():
    accounts = Accounts.model_validate(_shipped())
    assert accounts.may_grant("owner", "owner") and accounts.may_grant("user-admin", "member")
    assert not accounts.may_grant("user-admin", "owner"), "never above your own"
    assert not accounts.may_grant("member", "viewer"), "a member manages nobody"
    assert accounts.may_grant("project-admin", "developer") and not accounts.may_grant("developer", "developer")
    assert accounts.managers() == ["owner", "user-admin"]
    assert accounts.level("developer") == "project" and accounts.level("nobody") is None


@pytest.mark.parametrize(("change", "message"), [
    (lambda a: a["account_roles"][1]["grants"].append("owner"),
     "role 'user-admin' may not grant 'owner', which is above it"),
    (lambda a: a["account_roles"][0]["grants"].append("root"), "role 'owner' grants unknown role 'root'"),
    (lambda a: a["project_roles"][0]["grants"].append("member"),
     "project role 'project-admin' may not grant account role 'member'"),
    (lambda a: [r.update(grants=[]) for r in a["account_roles"]], "nobody could manage members"),
    (lambda a: a.update(owner_role="member"), "owner_role 'member' must be the first (highest) account role"),
    (lambda a: a["project_roles"].append({"id": "owner", "names": {"en": "Twin"}}), "repeated: owner"),
    (lambda a: a.update(default_project_role="member"), "default_project_role 'member' must be one of project_roles"),
])
def test_a_bad_table_is_refused_with_what_is_wrong(change, message):
    data = _shipped()
    change(data)
    with pytest.raises(ValidationError) as error:
        Accounts.model_validate(data)
    assert message in str(error.value)


def test_validate_names_the_file_and_the_problem(tmp_path):
    config = tmp_path / "idp-config"
    shutil.copytree(ROOT / "idp-config", config)
    path = config / "defaults.yaml"
    text = path.read_text()
    old = "      grants: [user-admin, billing-admin,"
    path.write_text(text.replace(old, old.replace("[", "[owner, ")))
    result = validate(config)
    assert result.returncode == 2 and "may not grant 'owner', which is above it" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_the_organization_step_needs_accounts(tmp_path):
    config = tmp_path / "idp-config"
    shutil.copytree(ROOT / "idp-config", config)
    path = config / "tenants" / "console.yaml"  # console asks for the organization's name (seed 001)
    text = path.read_text()
    assert "    - kind: organization\n" in text
    path.write_text(text[:text.index("\naccounts:")] + "\naccounts: null\n")
    result = validate(config)
    assert result.returncode == 2 and "the organization onboarding step names the user's account" in result.stderr
