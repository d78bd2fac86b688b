"""Invitations through the JSON API and the link's page, against the real stack: only roles the
inviter's live role grants, an email naming the account and number with a single-use link, the
role taken from the stored invitation, and a clear page (changing nothing) for another signed-in
email, a tampered link, reuse, revocation and expiry."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import requests
from sqlalchemy import create_engine, text

from contract.names import ACCOUNT_ROLES_GROUP
from tests.integration.test_account_members import Person
from tests.support.inbox import first_link
from webhooks.accounts.keycloak_store import KeycloakAccounts
from webhooks.accounts.service import AccountService
from webhooks.db import make_engine, make_sessions, upgrade
from webhooks.keycloak_gateway import KeycloakGateway


def _account(stack, tenant, owner, tmp_path, *others):
    engine = make_engine(f"sqlite:///{tmp_path / 'service.db'}")
    upgrade(engine)
    gateway = KeycloakGateway(stack.keycloak_url, "idp-service", stack.secrets.service_client_secret)
    store = KeycloakAccounts(gateway)
    opened = AccountService(make_sessions(engine), gateway, store).open_signup_account(tenant.realm, owner.user_id)
    for person, role in others:
        store.add_member(tenant.realm, opened.org_id, person.user_id)
        store.join(tenant.realm, opened.org_id, store.group(tenant.realm, opened.org_id, [ACCOUNT_ROLES_GROUP, role]),
                   person.user_id)
    return opened


def _signed_in(stack, browser, link: str):
    """The invitation page as a visitor with a Keycloak session sees it after "sign in"."""
    page = browser.open(link)
    if page.soup.find(id="accept-form") is None:
        page = browser.open(stack.settings.service_url + page.soup.find(id="sign-in")["href"])
    return page


def _expire(stack, invitation_id: str) -> None:
    engine = create_engine(f"sqlite:///{Path(stack.settings.state_dir) / 'data' / 'service.db'}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE invitations SET expires_at = :past WHERE id = :id"),
                           {"past": datetime.now(UTC) - timedelta(minutes=1), "id": invitation_id})


def test_an_invitation_brings_an_existing_user_in_with_the_stored_role(make_tenant, stack, admin, tmp_path):
    tenant = make_tenant("cloud")
    owner, user_admin, viewer, invitee, stranger = (Person(tenant, admin, stack) for _ in range(5))
    opened = _account(stack, tenant, owner, tmp_path, (user_admin, "user-admin"), (viewer, "viewer"))
    org = opened.org_id
    [project] = owner.call("GET", f"/{org}/projects").json()["projects"]

    assert viewer.call("POST", f"/{org}/invitations", email=invitee.email, role="member").status_code == 403
    above = user_admin.call("POST", f"/{org}/invitations", email=invitee.email, role="owner")
    assert above.status_code == 403 and "Account Owner" in above.json()["message"]
    bad = user_admin.call("POST", f"/{org}/invitations", email="not an email", role="member")
    assert bad.status_code == 422 and bad.json()["message"].startswith("email:")
    made = user_admin.call("POST", f"/{org}/invitations", email=invitee.email.upper(), role="member",
                           project_id=project["id"], project_role="developer")
    assert made.status_code == 201, made.text
    invitation = made.json()
    assert invitation["email"] == invitee.email and invitation["role"] == "member"
    again = user_admin.call("POST", f"/{org}/invitations", email=invitee.email, role="viewer")
    assert again.status_code == 409, "one pending invitation per address"
    assert viewer.call("GET", f"/{org}/invitations").status_code == 403, "only managers see invitations"
    assert [i["id"] for i in owner.call("GET", f"/{org}/invitations").json()["invitations"]] == [invitation["id"]]
    soon = user_admin.call("POST", f"/{org}/invitations/{invitation['id']}/resend")
    assert soon.status_code == 429 and "Wait" in soon.json()["message"]

    [mail] = stack.inbox.wait_for(invitee.email)
    assert "Test User" in mail["subject"] and opened.account_number in mail["subject"]
    assert "as Member" in mail["text"] and "Default project as Developer" in mail["text"]
    link = first_link(mail, "/invitations/")

    public = stranger.browser.open(link)
    assert public.soup.find(id="register") is not None and public.soup.find(id="accept-form") is None
    wrong = _signed_in(stack, stranger.browser, link)
    assert wrong.status == 200 and "Accept the invitation" in wrong.text
    refused = stranger.browser.submit(wrong, {}, "accept-form")
    assert refused.status == 403 and f"This invitation is for {invitee.email}" in refused.text
    tampered = invitee.browser.open(re.sub(r"t=[^&]+", "t=forged", link))
    assert tampered.status == 404 and "not valid" in tampered.text

    page = _signed_in(stack, invitee.browser, link)
    assert opened.account_number in page.soup.find(id="invitation").text
    done = invitee.browser.submit(page, {}, "accept-form")
    assert done.status == 200 and "You joined the account" in done.soup.find(id="accepted").text
    [joined] = invitee.refreshed_accounts()
    assert joined["number"] == opened.account_number and joined["roles"] == ["member"]
    assert joined["projects"] == [{"id": project["id"], "name": "Default project", "roles": ["developer"]}]
    reused = invitee.browser.submit(page, {}, "accept-form")
    assert reused.status == 410 and "already been accepted" in reused.text
    assert owner.call("GET", f"/{org}/invitations").json()["invitations"] == []

    withdrawn = user_admin.call("POST", f"/{org}/invitations", email=stranger.email, role="viewer").json()
    assert user_admin.call("DELETE", f"/{org}/invitations/{withdrawn['id']}").status_code == 204
    gone = stranger.browser.open(first_link(stack.inbox.wait_for(stranger.email)[0], "/invitations/"))
    assert gone.status == 410 and "withdrawn" in gone.text
    late = owner.call("POST", f"/{org}/invitations", email="late@example.test", role="viewer").json()
    _expire(stack, late["id"])
    expired = stranger.browser.open(first_link(stack.inbox.wait_for("late@example.test")[0], "/invitations/"))
    assert expired.status == 410 and "expired" in expired.text
    assert stranger.refreshed_accounts() == [], "nothing changed for the wrong user"


def test_a_new_user_registers_with_the_invited_email_fixed_and_verified(make_tenant, stack, admin, tmp_path):
    # Seed 001's organization step comes after sign-up; an invitee is not asked to name an account.
    tenant = make_tenant("cloud", accounts={"default_project": None},
                         onboarding={"enforce": "login", "steps": [{"kind": "organization"}]})
    owner = Person(tenant, admin, stack)
    opened = _account(stack, tenant, owner, tmp_path)
    email = f"newcomer-{opened.account_number}@example.test"
    assert owner.call("POST", f"/{opened.org_id}/invitations", email=email, role="viewer").status_code == 201
    link = first_link(stack.inbox.wait_for(email)[0], "/invitations/")

    browser = tenant.browser()
    form = browser.open(stack.settings.service_url + browser.open(link).soup.find(id="register")["href"])
    assert form.soup.find(id="email")["value"] == email, "the invited email is filled in"
    assert "accept the invitation" in form.text
    # The theme asks the extension for the browser's own invited email to draw the field read-only;
    # nobody without this registration's auth-session cookie gets it.
    action = parse_qs(urlparse(form.soup.find(id="kc-register-form")["action"]).query)
    asked = {"client_id": action["client_id"][0], "tab_id": action["tab_id"][0]}
    invited_url = f"{browser.realm_url}/idp-invitation/email"
    own = browser.session.get(invited_url, params=asked, timeout=10)
    assert own.status_code == 200 and own.json() == {"email": email}
    assert "no-store" in own.headers["Cache-Control"]
    assert requests.get(invited_url, params=asked, timeout=10).status_code == 404
    assert browser.session.get(invited_url, params={**asked, "tab_id": "other"}, timeout=10).status_code == 404
    values = {"password": "Sunny-Harbor7", "password-confirm": "Sunny-Harbor7", "firstName": "New",
              "lastName": "Comer", "termsAccepted": "on"}
    other = browser.submit(form, {**values, "email": "someone-else@example.test"})
    assert f"This invitation is for {email}" in other.text, "another email is refused"
    back = browser.submit(other, {**values, "email": email})
    assert back.url.startswith(link.split("?")[0]) and back.soup.find(id="accept-form") is not None, back.url
    admin.change_current_realm(tenant.realm)
    [user] = admin.get_users({"email": email, "exact": True})
    assert user["emailVerified"] is True, "the invitation link verified the address"
    done = browser.submit(back, {}, "accept-form")
    assert "You joined the account" in done.soup.find(id="accepted").text
    assert [o["alias"] for o in admin.get_user_organizations(user["id"])] == [opened.account_number], \
        "the inviter's account, and no account of their own"
