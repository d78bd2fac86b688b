"""Support's everyday fixes through `idp` and the JSON API, against the real stack: end a lockout,
start a user's onboarding again, free a phone number a mistaken account holds. Each asks first
unless --yes; each is recorded with who asked."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from contract.names import BILLING_READER_ROLE, SUPPORT_ROLE
from tests.integration.test_apply import IDP, idp
from tests.integration.test_onboarding import PHONE_RU, _wizard
from tests.support.onboarding import phone_code, random_ru_mobile
from tests.support.pages import Page
from tests.support.stack import create_user

PASSWORD = "Sunny-Harbor7"


def test_unlock_ends_a_lockout_now_after_asking(make_tenant, stack, admin):
    tenant = make_tenant("cloud", brute_force={"failures_before_lockout": 2, "wait_increment": "15m"})
    _, email = create_user(admin, tenant.realm)
    for _ in range(2):
        assert isinstance(tenant.browser().login(email, "Wrong-Guess9"), Page)
        time.sleep(0.5)  # a person's pace: the quick-login check is not what locks here
    locked = tenant.browser().login(email, PASSWORD)
    assert isinstance(locked, Page) and "locked" in locked.text

    declined = subprocess.run([IDP, "users", "unlock", email, "--realm", tenant.realm], input="n\n",
                              capture_output=True, text=True, env=stack.env(), timeout=120, check=False)
    assert declined.returncode != 0 and "Nothing changed" in declined.stderr and "Traceback" not in declined.stderr
    assert isinstance(tenant.browser().login(email, PASSWORD), Page), "still locked: nothing was done"

    done = idp(stack, "users", "unlock", email, "--realm", tenant.realm, "--yes", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"email": email, "unlocked": True}
    assert isinstance(tenant.browser().login(email, PASSWORD), str), "the right password signs in at once"


def test_reset_onboarding_sends_the_user_through_the_wizard_again(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [{"kind": "account_details"}]})
    _, email = create_user(admin, tenant.realm)
    assert isinstance(tenant.browser().login(email, PASSWORD), str), "onboarded: straight into the app"
    done = idp(stack, "users", "reset-onboarding", email, "--realm", tenant.realm, "--yes")
    assert done.returncode == 0 and "onboarding starts again" in done.stdout, done.stderr
    again = tenant.browser().login(email, PASSWORD)
    assert isinstance(again, Page) and "/onboarding/" in again.url and again.soup.find(id="account-form")
    shown = json.loads(idp(stack, "users", "show", email, "--realm", tenant.realm, "--json").stdout)
    assert shown["onboarding_complete"] is False


def test_release_frees_a_number_for_another_account(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [PHONE_RU]})
    first, page, first_email = _wizard(tenant, admin)
    number = random_ru_mobile()
    done = first.submit(first.submit(page, {"phone": number}, "phone-form"),
                        {"code": phone_code(stack.inbox, number)}, "verify-form")
    assert isinstance(done, str)
    second, page2, _ = _wizard(tenant, admin)
    refused = second.submit(page2, {"phone": number}, "phone-form")
    assert "maximum number of accounts" in refused.soup.find(id="error").text

    bad = idp(stack, "phones", "release", "not-a-number", "--realm", tenant.realm, "--yes")
    assert bad.returncode != 0 and "international format" in bad.stderr and "Traceback" not in bad.stderr
    released = idp(stack, "phones", "release", number, "--realm", tenant.realm, "--yes", "--json")
    assert released.returncode == 0, released.stderr
    holder = admin.get_user_id(first_email)
    assert json.loads(released.stdout) == {"number": number, "held_by": [holder]}
    admin.change_current_realm(tenant.realm)
    assert "phoneNumber" not in (admin.get_user(holder).get("attributes") or {})

    taken = second.submit(refused, {"phone": number}, "phone-form")
    assert taken.soup.find(id="code-sent") is not None, "the number is free again"
    assert isinstance(second.submit(taken, {"code": phone_code(stack.inbox, number, count=2)}, "verify-form"), str)


SUPPORT_DESK = {"client_id": "support-desk", "name": "Support desk", "roles": [SUPPORT_ROLE],
                "secret": "support-desk-secret-0123456789abcdef012"}


def _support_api(stack, realm: str, path: str, client: dict = SUPPORT_DESK, **body) -> requests.Response:
    token = requests.post(f"{stack.keycloak_url}/realms/{realm}/protocol/openid-connect/token", timeout=15,
                          data={"grant_type": "client_credentials", "client_id": client["client_id"],
                                "client_secret": client["secret"]})
    assert token.status_code == 200, token.text
    return requests.post(f"{stack.settings.service_url}/api/v1/support{path}", json=body, timeout=15,
                         headers={"Authorization": f"Bearer {token.json()['access_token']}"})


def test_support_staff_do_the_same_through_the_json_api_and_each_action_is_recorded(make_tenant, stack, admin):
    other = {**SUPPORT_DESK, "client_id": "billing", "roles": [BILLING_READER_ROLE]}
    tenant = make_tenant("cloud", brute_force={"failures_before_lockout": 2, "wait_increment": "15m"},
                         machine_clients=[SUPPORT_DESK, other])
    user_id, email = create_user(admin, tenant.realm)
    for _ in range(2):
        assert isinstance(tenant.browser().login(email, "Wrong-Guess9"), Page)
        time.sleep(0.5)
    assert isinstance(tenant.browser().login(email, PASSWORD), Page), "locked"

    assert _support_api(stack, tenant.realm, "/users/unlock", client=other, email=email).status_code == 403
    unlocked = _support_api(stack, tenant.realm, "/users/unlock", email=email)
    assert unlocked.status_code == 200 and unlocked.json() == {"email": email, "unlocked": True}
    assert isinstance(tenant.browser().login(email, PASSWORD), str), "the lockout is over"

    reset = _support_api(stack, tenant.realm, "/users/reset-onboarding", email=email)
    assert reset.status_code == 200 and reset.json()["email"] == email
    unknown = _support_api(stack, tenant.realm, "/users/unlock", email="nobody@example.test")
    assert unknown.status_code == 404 and "No user with email nobody@example.test" in unknown.json()["message"]
    bad = _support_api(stack, tenant.realm, "/phones/release", number="call me")
    assert bad.status_code == 400 and "international format" in bad.json()["message"]
    empty = _support_api(stack, tenant.realm, "/users/unlock")
    assert empty.status_code == 400 and '{"email": "ada@example.com"}' in empty.json()["message"]

    engine = create_engine(f"sqlite:///{Path(stack.settings.state_dir) / 'data' / 'service.db'}")
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT action, actor FROM support_records WHERE realm = :realm "
                                       "AND subject = :user ORDER BY id"),
                                  {"realm": tenant.realm, "user": user_id}).all()
    assert [tuple(r) for r in rows] == [("unlock", "client:support-desk"), ("reset_onboarding", "client:support-desk")]
    admin.change_current_realm(tenant.realm)
    changes = admin.get_admin_events({"resourcePath": f"users/{user_id}"})
    assert any(e["operationType"] == "UPDATE" for e in changes), "Keycloak keeps the change to the user too"
