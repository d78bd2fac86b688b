"""Attack 8 on Keycloak's own surfaces: no password grants for tenant users through the built-in
admin-cli, brute-force protection on the master realm, and a service account that holds only the
roles the service uses."""

from __future__ import annotations

import uuid

import requests

from tests.support.stack import create_user

PASSWORD = "Sunny-Harbor7"


def test_admin_cli_takes_no_password_grant_for_tenant_users(make_tenant, stack, admin):
    tenant = make_tenant("cloud")
    _, email = create_user(admin, tenant.realm)
    response = requests.post(f"{stack.keycloak_url}/realms/{tenant.realm}/protocol/openid-connect/token",
                             data={"grant_type": "password", "client_id": "admin-cli", "username": email,
                                   "password": PASSWORD}, timeout=10)
    assert response.status_code in (400, 401) and "access_token" not in response.text
    assert response.json()["error"] == "unauthorized_client"


def test_the_master_realm_locks_out_password_guessing(stack, admin):
    name = f"probe-{uuid.uuid4().hex[:8]}"
    admin.change_current_realm("master")
    user_id = admin.create_user({"username": name, "enabled": True, "credentials": [
        {"type": "password", "value": PASSWORD, "temporary": False}]})
    try:
        token_url = f"{stack.keycloak_url}/realms/master/protocol/openid-connect/token"
        for _ in range(6):
            requests.post(token_url, data={"grant_type": "password", "client_id": "admin-cli", "username": name,
                                           "password": "wrong-guess"}, timeout=10)
        right = requests.post(token_url, data={"grant_type": "password", "client_id": "admin-cli", "username": name,
                                               "password": PASSWORD}, timeout=10)
        assert "access_token" not in right.text, "the right password is refused while locked"
        status = admin.connection.raw_get(f"admin/realms/master/attack-detection/brute-force/users/{user_id}").json()
        assert status["disabled"] is True, status
    finally:
        admin.change_current_realm("master")
        admin.delete_user(user_id)


def test_the_service_account_holds_only_what_the_service_uses(make_tenant, admin):
    tenant = make_tenant("cloud")
    admin.change_current_realm(tenant.realm)
    account = admin.get_client_service_account_user(admin.get_client_id("idp-service"))
    management = admin.get_client_id("realm-management")
    assert {r["name"] for r in admin.get_client_roles_of_user(account["id"], management)} == {
        "view-realm", "view-users", "manage-users", "view-events", "manage-organizations"}
    assert [r["name"] for r in admin.get_realm_roles_of_user(account["id"])
            if not r["name"].startswith("default-roles-")] == []


def test_the_service_secret_read_in_one_realm_opens_no_other(make_tenant, stack, admin):
    """A tenant's realm admin can read their realm's client secrets; that secret must not reach the
    service account (manage-users) of any other tenant."""
    own, other = make_tenant("cloud"), make_tenant("paas")
    admin.change_current_realm(own.realm)
    leaked = admin.get_client_secrets(admin.get_client_id("idp-service"))["value"]

    def token(realm: str) -> requests.Response:
        return requests.post(f"{stack.keycloak_url}/realms/{realm}/protocol/openid-connect/token",
                             data={"grant_type": "client_credentials", "client_id": "idp-service",
                                   "client_secret": leaked}, timeout=10)

    assert "access_token" in token(own.realm).json(), "it is the real secret of its own realm"
    refused = token(other.realm)
    assert refused.status_code == 401 and refused.json()["error"] in ("unauthorized_client", "invalid_client")
