"""Account statuses against the real stack (seed 000 "Account Statuses"): pending until the owner
finishes onboarding, then active or a trial; the provider's billing client (or `idp accounts`)
suspends, resumes, activates and closes, with a reason; tokens carry the status and reason; members
of a suspended account still sign in and see why, but no personal access token or API token reaches
the account; every change is an account event naming who made it."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
import requests

from contract.names import ACCOUNT_STATUS_MANAGER_ROLE, API_ACCESS_ROLE
from tests.integration.test_account_members import Person
from tests.integration.test_accounts import DETAILS, PASSWORD
from tests.integration.test_api_access import _device_sign_in
from tests.integration.test_apply import idp
from tests.integration.test_invitations import _account
from tests.integration.test_personal_access_tokens import RESOURCE_SERVER, ResourceServer, _create
from tests.support.oidc import exchange_code, verify_id_token
from tests.support.pages import Page
from tests.support.stack import create_user

BILLING = {"client_id": "billing", "name": "Billing", "roles": [ACCOUNT_STATUS_MANAGER_ROLE],
           "secret": "billing-system-secret-0123456789abcdef0"}


class Billing:
    """The provider's billing system: client credentials, then the account-status API."""

    def __init__(self, stack, realm: str, client: dict = BILLING) -> None:
        answer = requests.post(f"{stack.keycloak_url}/realms/{realm}/protocol/openid-connect/token", timeout=15,
                               data={"grant_type": "client_credentials", "client_id": client["client_id"],
                                     "client_secret": client["secret"]})
        assert answer.status_code == 200, answer.text
        self._headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        self._url = f"{stack.settings.service_url}/api/v1/account-status"

    def read(self, account: str) -> requests.Response:
        return requests.get(f"{self._url}/{account}", headers=self._headers, timeout=15)

    def act(self, account: str, action: str, reason: str | None = None) -> requests.Response:
        body = {"action": action} | ({"reason": reason} if reason is not None else {})
        return requests.post(f"{self._url}/{account}", json=body, headers=self._headers, timeout=15)


def _grant_api_access(admin, realm: str, user_id: str) -> None:
    admin.change_current_realm(realm)
    admin.assign_realm_roles(user_id, [admin.get_realm_role(API_ACCESS_ROLE)])


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("cloud", machine_clients=[BILLING, RESOURCE_SERVER])


def test_billing_suspends_resumes_and_closes_and_tokens_and_pages_follow(tenant, stack, admin, tmp_path):
    owner = Person(tenant, admin, stack)
    opened = _account(stack, tenant, owner, tmp_path)
    billing = Billing(stack, tenant.realm)
    number, org = opened.account_number, opened.org_id

    read = billing.read(number)
    assert read.status_code == 200 and read.json()["status"] == "pending", "the owner has onboarding steps left"
    assert billing.read(org).json()["number"] == number, "by id as well as by number"
    assert billing.act(number, "activate").json()["status"] == "active"
    no_reason = billing.act(number, "suspend")
    assert no_reason.status_code == 422 and "Say why you suspend the account" in no_reason.json()["message"]
    suspended = billing.act(number, "suspend", "Unpaid invoice 2026-11")
    assert suspended.status_code == 200, suspended.text
    assert suspended.json() | {"id": org} == {"id": org, "number": number, "name": "Test User", "status": "suspended",
                                              "reason": "Unpaid invoice 2026-11", "trial_ends_at": None}
    assert billing.act(number, "suspend", "again").status_code == 409, "the first reason is not overwritten unnoticed"

    [account] = owner.refreshed_accounts()
    assert account["status"] == "suspended" and account["status_reason"] == "Unpaid invoice 2026-11"
    assert owner.call("GET").json()["accounts"][0]["status"] == "suspended"
    page = owner.browser.open(f"{stack.settings.service_url}/my/{tenant.realm}/accounts/{org}")
    alert = page.soup.find(id="account-status")
    assert "This account is suspended" in alert.text and "Unpaid invoice 2026-11" in alert.text

    _grant_api_access(admin, tenant.realm, owner.user_id)
    refused = _create(owner, name="ci", days=5, account_id=org)
    assert refused.status_code == 403 and "suspended or closed" in refused.json()["message"]
    everywhere = _create(owner, name="everywhere", days=5).json()["token"]
    api = ResourceServer(stack, tenant.realm)
    assert api.introspect(everywhere)["accounts"] == [], "a suspended account is out of the token's reach"
    _, cli_token = _device_sign_in(tenant, stack, owner.email)
    assert cli_token.status_code == 200, cli_token.text
    assert _access_claims(cli_token.json()["access_token"])["accounts"] == [], "nor does the cli client's token"

    assert billing.act(number, "resume").json()["status"] == "active", "back to what it was before"
    scoped = _create(owner, name="ci", days=5, account_id=org).json()["token"]
    assert api.introspect(scoped)["active"] is True
    assert [a["id"] for a in api.introspect(everywhere)["accounts"]] == [org]
    assert billing.act(number, "suspend", "Chargeback").status_code == 200
    assert api.introspect(scoped) == {"active": False}, "a suspended account's token stops at once"

    closed = billing.act(number, "close", "Customer asked")
    assert closed.json()["status"] == "closed"
    again = billing.act(number, "resume")
    assert again.status_code == 409 and "stays closed" in again.json()["message"]

    events = owner.call("GET", f"/{org}/events").json()["events"]
    changes = [(e["details"]["before"], e["details"]["after"], e["actor"]) for e in events
               if e["type"] == "status_changed"]
    assert changes[::-1] == [("pending", "active", "client:billing"), ("active", "suspended", "client:billing"),
                             ("suspended", "active", "client:billing"), ("active", "suspended", "client:billing"),
                             ("suspended", "closed", "client:billing")]


def _access_claims(token: str) -> dict:
    """The access token's claims (its signature is Keycloak's business here; the test reads them)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_only_the_status_manager_role_moves_statuses(tenant, stack, admin, tmp_path):
    owner = Person(tenant, admin, stack)
    opened = _account(stack, tenant, owner, tmp_path)
    by_user = requests.post(f"{stack.settings.service_url}/api/v1/account-status/{opened.account_number}",
                            json={"action": "suspend", "reason": "x"}, timeout=15,
                            headers={"Authorization": f"Bearer {owner.tokens['access_token']}"})
    assert by_user.status_code == 403 and ACCOUNT_STATUS_MANAGER_ROLE in by_user.json()["message"]
    by_other_client = Billing(stack, tenant.realm, RESOURCE_SERVER).act(opened.account_number, "suspend", "x")
    assert by_other_client.status_code == 403
    assert Billing(stack, tenant.realm).read("no such account").status_code == 400
    assert Billing(stack, tenant.realm).read("1111-1111").status_code == 404


def test_the_operator_changes_statuses_from_the_command_line(tenant, stack, admin, tmp_path):
    owner = Person(tenant, admin, stack)
    opened = _account(stack, tenant, owner, tmp_path)
    realm, number = tenant.realm, opened.account_number

    missing = idp(stack, "accounts", "suspend", number, "--realm", realm, "--yes")
    assert missing.returncode == 1 and "Say why you suspend the account" in missing.stdout + missing.stderr
    done = idp(stack, "accounts", "suspend", number, "--realm", realm, "--reason", "Fraud check", "--yes", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) | {"id": None} == {"id": None, "number": number, "status": "suspended",
                                                      "reason": "Fraud check", "trial_ends_at": None}
    shown = idp(stack, "accounts", "show", number, "--realm", realm)
    assert "status: suspended (reason: Fraud check)" in shown.stdout
    resumed = idp(stack, "accounts", "resume", number, "--realm", realm, "--yes")
    assert resumed.returncode == 0 and "status: pending" in resumed.stdout
    closed = idp(stack, "accounts", "close", number, "--realm", realm, "--reason", "Duplicate", "--yes")
    assert closed.returncode == 0 and "status: closed" in closed.stdout
    refused = idp(stack, "accounts", "activate", number, "--realm", realm, "--yes")
    assert refused.returncode == 1 and "a closed account stays closed" in refused.stdout + refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
    listed = json.loads(idp(stack, "accounts", "list", "--realm", realm, "--json").stdout)["accounts"]
    assert [a["status"] for a in listed] == ["closed"]


def test_a_trial_starts_when_onboarding_ends_and_tokens_carry_its_end(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [DETAILS]}, accounts={"trial_days": 14},
                         machine_clients=[BILLING])
    _, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    assert isinstance(page, Page) and "/onboarding/" in page.url
    code = browser.submit(page, {"country": "DE", "account_type": "personal"}, "account-form")
    assert isinstance(code, str), "back in the app"
    [account] = verify_id_token(browser, exchange_code(browser, code)["id_token"])["accounts"]
    assert account["status"] == "trial"
    ends = datetime.fromisoformat(account["trial_ends_at"].replace("Z", "+00:00"))
    assert abs(ends - (datetime.now(UTC) + timedelta(days=14))) < timedelta(minutes=5)
    billing = Billing(stack, tenant.realm)
    assert billing.act(account["number"], "activate").json() | {"id": None} == {
        "id": None, "number": account["number"], "name": account["name"], "status": "active", "reason": None,
        "trial_ends_at": None}
