"""The account pages of the service, as a person uses them (HTTP, real stack): the accounts list,
members and roles, inviting, revoking, projects; a refusal shows on the page, in the page's
language."""

from __future__ import annotations

from contract.names import ACCOUNT_ROLES_GROUP
from tests.integration.test_account_members import Person
from tests.integration.test_invitations import _account
from webhooks.accounts.keycloak_store import KeycloakAccounts
from webhooks.keycloak_gateway import KeycloakGateway


def test_an_owner_and_a_user_admin_manage_the_account_from_its_page(make_tenant, stack, admin, tmp_path):
    tenant = make_tenant("cloud")
    owner, user_admin, member = (Person(tenant, admin, stack) for _ in range(3))
    opened = _account(stack, tenant, owner, tmp_path, (user_admin, "user-admin"), (member, "member"))
    base = f"{stack.settings.service_url}/my/{tenant.realm}"

    listed = owner.browser.open(f"{base}/accounts")
    assert opened.account_number in listed.soup.find(id="accounts").text
    page = owner.browser.open(f"{base}/accounts/{opened.org_id}")
    assert page.status == 200 and opened.account_number in page.soup.find(id="account-number").text
    assert {user_admin.email, member.email, owner.email} <= set(page.soup.find(id="members").text.split())

    invited = owner.browser.submit(page, {"email": "page-invite@example.test", "role": "viewer"}, "invite-form")
    assert invited.soup.find(id="done") is not None and "page-invite@example.test" in invited.soup.find(
        id="invitations").text
    assert stack.inbox.wait_for("page-invite@example.test")
    revoked = owner.browser.submit(invited, {}, "revoke-form-1")
    assert revoked.soup.find(id="no-invitations") is not None

    created = owner.browser.submit(revoked, {"name": "Production"}, "project-form")
    assert "Production" in str(created.soup.find(id="projects"))
    rename_form = next(f["id"] for f in created.soup.select("form[id^=rename-form-]")
                       if f.find("input", attrs={"name": "name"})["value"] == "Production")
    renamed = owner.browser.submit(created, {"name": "Staging"}, rename_form)
    assert "Staging" in str(renamed.soup.find(id="projects"))

    row = next(i + 1 for i, tr in enumerate(renamed.soup.find(id="members").find("tbody").find_all("tr"))
               if member.email in tr.text)
    changed = owner.browser.submit(renamed, {"role": "viewer"}, f"role-form-{row}")
    assert "The role was changed" in changed.soup.find(id="done").text

    # The user admin may not remove the owner: the page says why, in Russian when asked.
    mine = user_admin.browser.open(f"{base}/accounts/{opened.org_id}?lang=ru")
    owner_row = next(i + 1 for i, tr in enumerate(mine.soup.find(id="members").find("tbody").find_all("tr"))
                     if owner.email in tr.text)
    refused = user_admin.browser.submit(mine, {}, f"remove-form-{owner_row}")
    assert refused.status == 403 and "Ваша роль не позволяет" in refused.soup.find(id="error").text
    assert "Участники" in refused.text, "the page keeps the reader's language"
    english = user_admin.browser.submit(user_admin.browser.open(f"{base}/accounts/{opened.org_id}?lang=en"), {},
                                        f"remove-form-{owner_row}")
    assert "may not give or take away the role Account Owner" in english.soup.find(id="error").text

    store = KeycloakAccounts(KeycloakGateway(stack.keycloak_url, "idp-service", stack.secrets.service_client_secret))
    holder = [g["path"] for g in store.member_groups(tenant.realm, opened.org_id, member.user_id)]
    assert holder == [f"/{ACCOUNT_ROLES_GROUP}/viewer"]
    viewer_page = member.browser.open(f"{base}/accounts/{opened.org_id}")
    assert viewer_page.soup.find(id="invite-form") is None and viewer_page.soup.find(id="project-form") is None
