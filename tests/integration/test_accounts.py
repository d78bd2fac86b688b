"""A user who finishes sign-up on their own gets a numbered account with the owner role and the
default project; the ID token says so, and token refresh keeps saying so with the service stopped
(the claim comes from Keycloak's organizations, never from the service). Opening is idempotent."""

from __future__ import annotations

import re
import time

import pytest
from rich.console import Console

from provisioner.runtime import stack as runtime
from tests.support.oidc import exchange_code, refresh, verify_id_token
from tests.support.pages import Page
from tests.support.stack import create_user
from webhooks.accounts.keycloak_store import KeycloakAccounts
from webhooks.accounts.service import AccountService
from webhooks.db import make_engine, make_sessions, upgrade
from webhooks.domain_errors import DomainError
from webhooks.keycloak_gateway import KeycloakGateway

PASSWORD = "Sunny-Harbor7"
DETAILS = {"kind": "account_details", "business_accounts": True}


def _claims(browser, tokens: dict, refreshed: bool = False) -> dict:
    return verify_id_token(browser, tokens["id_token"], refreshed=refreshed)


def test_sign_up_opens_an_account_and_tokens_carry_it_without_the_service(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [DETAILS]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    assert isinstance(page, Page) and "/onboarding/" in page.url
    code = browser.submit(page, {"country": "DE", "account_type": "business", "company_name": "Beispiel GmbH",
                                 "tax_id": "DE136695976"}, "account-form")
    assert isinstance(code, str), "back in the app"
    tokens = exchange_code(browser, code)
    [account] = _claims(browser, tokens)["accounts"]
    assert re.fullmatch(r"[1-9]\d{3}-\d{4}", account["number"]) and account["name"] == "Beispiel GmbH"
    assert account["roles"] == ["owner"] and account["status"] == "active", "onboarding done: the account opened"
    [project] = account["projects"]
    assert project["name"] == "Default project" and project["roles"] == ["project-admin"] and project["id"]

    admin.change_current_realm(tenant.realm)
    [org] = admin.get_user_organizations(admin.get_user_id(email))
    assert org["alias"] == account["number"] and org["id"] == account["id"]
    _, other = create_user(admin, tenant.realm)
    assert isinstance(tenant.browser().login(other, PASSWORD), str), \
        "with organizations in the realm the login page still takes email and password at once"

    assert runtime.stop_service(stack.settings)
    try:
        refreshed = refresh(browser, tokens["refresh_token"])
        assert refreshed.status_code == 200, refreshed.text
        claims = _claims(browser, refreshed.json(), refreshed=True)
        assert claims["accounts"] == [account], "minted with the service down"
        again = tenant.browser()
        signed_in = exchange_code(again, again.login(email, PASSWORD))
        assert _claims(again, signed_in)["accounts"] == [account], "and a new sign-in too"
    finally:
        runtime.restart_service(stack.settings, Console(quiet=True))


def _account_service(stack, tmp_path, store_class: type[KeycloakAccounts] = KeycloakAccounts):
    """The service's account opening on its own database, against the test Keycloak; and its store."""
    engine = make_engine(f"sqlite:///{tmp_path / 'service.db'}")
    upgrade(engine)
    gateway = KeycloakGateway(stack.keycloak_url, "idp-service", stack.secrets.service_client_secret)
    store = store_class(gateway)
    return AccountService(make_sessions(engine), gateway, store), store


def test_opening_twice_is_the_same_account(make_tenant, stack, admin, tmp_path):
    tenant = make_tenant("cloud")
    user_id, _ = create_user(admin, tenant.realm)
    accounts, _ = _account_service(stack, tmp_path)
    first = accounts.open_signup_account(tenant.realm, user_id)
    second = accounts.open_signup_account(tenant.realm, user_id)
    assert first.account_number == second.account_number and first.org_id == second.org_id
    admin.change_current_realm(tenant.realm)
    assert [o["alias"] for o in admin.get_user_organizations(user_id)] == [first.account_number]
    assert first.name == "Test User", "a personal account is named after its owner"


class _CutShort(KeycloakAccounts):
    """Keycloak refuses the first role grant: the opening stops halfway, as a crash would stop it."""

    refused = False

    def join(self, realm: str, org_id: str, group_id: str, user_id: str) -> None:
        if not self.refused:
            self.refused = True
            raise DomainError("Keycloak refused giving a role: HTTP 503", code="keycloak_refused", status=502)
        super().join(realm, org_id, group_id, user_id)


def test_an_opening_cut_short_is_finished_by_the_retry_without_doubles(make_tenant, stack, admin, tmp_path):
    tenant = make_tenant("cloud")
    user_id, _ = create_user(admin, tenant.realm)
    accounts, store = _account_service(stack, tmp_path, _CutShort)
    with pytest.raises(DomainError):
        accounts.open_signup_account(tenant.realm, user_id)
    opened = accounts.open_signup_account(tenant.realm, user_id)
    assert opened.state == "open"
    admin.change_current_realm(tenant.realm)
    assert [o["id"] for o in admin.get_user_organizations(user_id)] == [opened.org_id]
    assert sorted(g["name"] for g in store.top_groups(tenant.realm, opened.org_id)) == ["projects", "roles"], \
        "the groups the first try made are reused, not made again"
    held = {g["path"] for g in store.member_groups(tenant.realm, opened.org_id, user_id)}
    assert held == {"/roles/owner", "/projects/Default project/project-admin"}, held


def test_a_tenant_without_onboarding_steps_opens_the_account_at_registration(make_tenant, stack, admin):
    tenant = make_tenant("paas", onboarding={"steps": []}, login={"password_on_registration": True,
                                                                  "verify_email": False})
    email = f"stepless-{tenant.realm}@example.test"
    browser = tenant.browser()
    assert isinstance(browser.register(email, PASSWORD), str), "registered and back in the app"
    admin.change_current_realm(tenant.realm)
    user_id = admin.get_user_id(email)

    def opened() -> list:
        return admin.get_user_organizations(user_id)

    deadline = time.monotonic() + 30
    while not opened() and time.monotonic() < deadline:  # the REGISTER event reaches the service after commit
        time.sleep(0.2)
    [org] = opened()
    again = tenant.browser()
    [account] = _claims(again, exchange_code(again, again.login(email, PASSWORD)))["accounts"]
    assert account["id"] == org["id"] and account["roles"] == ["owner"]


def test_the_organization_step_names_the_account_and_its_first_project(make_tenant, stack, admin):
    # Seed 001: after sign-up the user names their organization and first project.
    tenant = make_tenant("console", accounts={"default_project": None},
                         onboarding={"enforce": "login", "steps": [{"kind": "organization"}]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    assert isinstance(page, Page) and page.soup.find(id="organization-form") is not None
    bad = browser.submit(page, {"account_name": "Acme", "project_name": "a/b"}, "organization-form")
    assert bad.status == 422 and "First project: 1 to 60 characters" in bad.soup.find(id="error").text
    code = browser.submit(bad, {"account_name": "Acme Labs", "project_name": "Website"}, "organization-form")
    assert isinstance(code, str), "back in the app"
    [account] = _claims(browser, exchange_code(browser, code))["accounts"]
    assert account["name"] == "Acme Labs" and account["roles"] == ["owner"]
    assert [(p["name"], p["roles"]) for p in account["projects"]] == [("Website", ["project-admin"])]
