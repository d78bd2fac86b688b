"""The provider's billing system reads a bound card's gateway token and the auto top-up choice with
its own machine client (client credentials), which `idp apply` creates with only the service's
`idp-billing-reader` role. A user's token, another realm's billing client, and a client whose role was
taken away after its token was issued are all refused."""

from __future__ import annotations

import base64
import json
import secrets

import requests

from tests.support.oidc import exchange_code
from tests.support.pages import Page
from tests.support.stack import create_user

PASSWORD = "Sunny-Harbor7"


def _billing_client(secret: str) -> list[dict]:
    return [{"client_id": "billing", "name": "Billing system", "roles": ["idp-billing-reader"], "secret": secret}]


def _client_token(stack, realm: str, secret: str) -> str:
    answer = requests.post(f"{stack.keycloak_url}/realms/{realm}/protocol/openid-connect/token", timeout=10,
                           data={"grant_type": "client_credentials", "client_id": "billing", "client_secret": secret})
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _get(stack, path: str, token: str) -> requests.Response:
    return requests.get(f"{stack.settings.service_url}/api/v1/billing{path}", timeout=10,
                        headers={"Authorization": f"Bearer {token}"})


def test_the_billing_system_reads_the_card_token_and_auto_top_up(make_tenant, stack, admin):
    secret = secrets.token_urlsafe(32)
    tenant = make_tenant("cloud", machine_clients=_billing_client(secret), onboarding={
        "enforce": "login", "steps": [{"kind": "card", "test_charge": 100}]})
    user_id, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    assert isinstance(page, Page)
    bound = browser.submit(page, {"number": "5555555555554444", "expiry": "09/30", "cvc": "321"}, "card-form")
    code = browser.submit(bound, {"enabled": "on", "amount": "500", "threshold": "100"}, "card-finish-form")
    user_token = exchange_code(browser, code)["access_token"]

    token = _client_token(stack, tenant.realm, secret)
    claims = _claims(token)
    assert claims["realm_access"] == {"roles": ["idp-billing-reader"]}, "nothing but its API role"
    assert "resource_access" not in claims and "idp-service" in claims["aud"]

    answer = _get(stack, f"/users/{user_id}", token)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    card = body["card"]
    assert (card["gateway"], card["brand"], card["last4"], card["exp_month"], card["exp_year"]) == \
        ("sandbox", "mastercard", "4444", 9, 2030)
    assert card["token"] and card["fingerprint"] and "5555555555554444" not in answer.text
    assert body["auto_top_up"] | {"bounds": None} == {"offered": True, "enabled": True, "amount": "500.00",
                                                     "threshold": "100.00", "currency": "RUB", "bounds": None}
    assert body["balance"] == [{"currency": "RUB", "amount": "1100.00", "amount_minor": 110000}], "charge + bonus"

    first = _get(stack, "/cards?limit=1", token).json()
    assert [i["user_id"] for i in first["items"]] == [user_id] and first["next"] == user_id
    assert _get(stack, f"/cards?limit=1&after={first['next']}", token).json() == {"items": [], "next": None}
    nobody = _get(stack, "/users/00000000-0000-0000-0000-000000000000", token).json()
    assert nobody["card"] is None and nobody["balance"] == []
    for bad, field in (("/users/not%20an%20id", "user_id"), ("/cards?limit=0", "limit"), ("/cards?limit=x", "limit")):
        refused = _get(stack, bad, token)
        assert refused.status_code == 400 and field in refused.json()["message"], refused.text

    # The user's own token has the service as audience but not the role.
    as_user = _get(stack, f"/users/{user_id}", user_token)
    assert as_user.status_code == 403 and as_user.json()["error"] == "insufficient_scope"
    assert "idp-billing-reader" in as_user.json()["message"]
    assert _get(stack, f"/users/{user_id}", "not-a-token").status_code == 401

    # Another realm's billing client sees only its own realm.
    other_secret = secrets.token_urlsafe(32)
    other = make_tenant("cloud", machine_clients=_billing_client(other_secret))
    foreign = _get(stack, f"/users/{user_id}", _client_token(stack, other.realm, other_secret))
    assert foreign.status_code == 200 and foreign.json()["card"] is None

    # The role taken away: the still-valid token is refused at once (the live assignment decides).
    admin.change_current_realm(tenant.realm)
    account = admin.get_client_service_account_user(admin.get_client_id("billing"))
    admin.delete_realm_roles_of_user(account["id"], [admin.get_realm_role("idp-billing-reader")])
    revoked = _get(stack, f"/users/{user_id}", token)
    assert revoked.status_code == 403 and "no longer holds" in revoked.json()["message"]
    assert revoked.headers["WWW-Authenticate"] == 'Bearer error="insufficient_scope"'
