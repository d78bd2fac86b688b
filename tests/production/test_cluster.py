"""Two Keycloak nodes in one cluster (Keycloak's default JDBC-ping discovery over the shared
PostgreSQL): a session, a lockout and a realm change made through one node hold on the other, and a
session made on one node survives that node being killed. The last test kills node 2."""

from __future__ import annotations

import requests

from provisioner.admin_api import connect
from tests.support.oidc import exchange_code
from tests.support.pages import Browser, Page
from tests.support.production import kill
from tests.support.stack import create_user

PASSWORD = "Sunny-Harbor7"


def _token_url(base: str, realm: str) -> str:
    return f"{base}/realms/{realm}/protocol/openid-connect/token"


def _refresh_at(base: str, tenant, refresh_token: str) -> requests.Response:
    return requests.post(_token_url(base, tenant.realm), data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": tenant.client.client_id},
        timeout=30)


def _login_through(base: str, tenant, public: str, email: str, password: str) -> Page | str:
    """Sign in at one node: the form's action names the public URL (node 1), so post it to `base`."""
    browser = Browser(base, tenant.realm, tenant.client.client_id, tenant.client.redirect_uris[0])
    page = browser.open_login()
    action, fields = page.form()
    response = browser.session.post(action.replace(public, base), data={
        **fields, "username": email, "password": password}, allow_redirects=False, timeout=30)
    return browser._follow(response)


def test_the_profile_runs_postgres_two_clustered_nodes_and_gunicorn(production):
    status = production.status()
    assert status["running"] and status["profile"] == "cluster"
    logs = production.settings.state_dir / "logs"
    one, two = (logs / "keycloak.log").read_text(), (logs / "keycloak-2.log").read_text()
    assert "jdbc-postgresql" in one and "(2) [node-1" in one + two, "both nodes joined one cluster view"
    for node in (production.keycloak_url, production.node_two_url):
        assert requests.get(f"{node}/realms/cloud/.well-known/openid-configuration", timeout=10).json()[
            "issuer"] == f"{production.keycloak_url}/realms/cloud", "both nodes issue under the one public URL"
    service = logs / "service.log"
    assert service.read_text().count("Booting worker") >= production.settings.service_workers


def test_signed_in_through_node_one_and_refreshed_through_node_two(production, make_production_tenant,
                                                                   production_admin):
    tenant = make_production_tenant("cloud")
    user_id, email = create_user(production_admin, tenant.realm)
    browser = tenant.browser()
    code = browser.login(email, PASSWORD)
    assert isinstance(code, str), code.text[:300] if isinstance(code, Page) else code
    tokens = exchange_code(browser, code)
    refreshed = _refresh_at(production.node_two_url, tenant, tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    userinfo = requests.get(f"{production.node_two_url}/realms/{tenant.realm}/protocol/openid-connect/userinfo",
                            headers={"Authorization": f"Bearer {refreshed.json()['access_token']}"}, timeout=30)
    assert userinfo.json()["sub"] == user_id


def test_a_lockout_recorded_on_one_node_holds_on_the_other(production, make_production_tenant, production_admin):
    tenant = make_production_tenant("cloud")  # five failures lock for a minute
    user_id, email = create_user(production_admin, tenant.realm)
    public, two = production.keycloak_url, production.node_two_url
    assert isinstance(_login_through(two, tenant, public, email, PASSWORD), str), "not locked before"
    for _ in range(6):
        _login_through(public, tenant, public, email, "Wrong-password1")
    refused = _login_through(two, tenant, public, email, PASSWORD)
    assert isinstance(refused, Page), "node 2 refuses the right password while node 1's lockout lasts"
    node_two_admin = connect(two, production.admin_user, production.admin_password)
    seen = node_two_admin.connection.raw_get(
        f"admin/realms/{tenant.realm}/attack-detection/brute-force/users/{user_id}").json()
    # Locked by the failures counted on node 1 (Keycloak's quick-login check may lock before the fifth).
    assert seen["disabled"] is True and seen["numFailures"] >= 2, seen


def test_a_realm_change_through_one_node_is_seen_on_the_other(production, make_production_tenant, production_admin):
    tenant = make_production_tenant("cloud")
    node_two_admin = connect(production.node_two_url, production.admin_user, production.admin_password)
    assert node_two_admin.get_realm(tenant.realm)["displayName"] != "Renamed on node 1"  # now cached on node 2
    production_admin.update_realm(tenant.realm, {"displayName": "Renamed on node 1"})
    assert node_two_admin.get_realm(tenant.realm)["displayName"] == "Renamed on node 1"
    login = requests.get(f"{production.node_two_url}/realms/{tenant.realm}/protocol/openid-connect/auth", params={
        "client_id": tenant.client.client_id, "response_type": "code", "scope": "openid",
        "redirect_uri": tenant.client.redirect_uris[0], "code_challenge": "x" * 43,
        "code_challenge_method": "S256"}, timeout=30)
    assert "Renamed on node 1" in login.text


def test_a_session_made_on_node_two_outlives_node_two(production, make_production_tenant, production_admin):
    tenant = make_production_tenant("cloud")
    user_id, email = create_user(production_admin, tenant.realm)
    public, two = production.keycloak_url, production.node_two_url
    browser = Browser(two, tenant.realm, tenant.client.client_id, tenant.client.redirect_uris[0])
    page = browser.open_login()
    action, fields = page.form()
    code = browser._follow(browser.session.post(action.replace(public, two), data={
        **fields, "username": email, "password": PASSWORD}, allow_redirects=False, timeout=30))
    assert isinstance(code, str)
    made = requests.post(_token_url(two, tenant.realm), data={
        "grant_type": "authorization_code", "code": code, "code_verifier": browser.verifier,
        "redirect_uri": browser.redirect_uri, "client_id": tenant.client.client_id}, timeout=30)
    assert made.status_code == 200, made.text
    node_two = production.status()["other_keycloak_nodes"][0]["pid"]
    kill(node_two)
    refreshed = _refresh_at(public, tenant, made.json()["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    userinfo = requests.get(f"{public}/realms/{tenant.realm}/protocol/openid-connect/userinfo",
                            headers={"Authorization": f"Bearer {refreshed.json()['access_token']}"}, timeout=30)
    assert userinfo.json()["sub"] == user_id
