"""Token exchange (RFC 8693) of a personal access token at Keycloak's token endpoint: an API that only
verifies JWTs trades the token a caller sent for a short-lived Keycloak access token, verified
against the realm's JWKS, for the token's owner, with the accounts the personal token may reach. It
fails closed: a revoked token, a client without the introspector role, or the service stopped give
a clear OAuth error and no token."""

from __future__ import annotations

import requests
from joserfc import jwt
from joserfc.jwk import KeySet
from rich.console import Console

from provisioner.runtime import stack as runtime
from tests.integration.test_account_members import Person
from tests.integration.test_account_statuses import BILLING, Billing
from tests.integration.test_invitations import _account
from tests.integration.test_personal_access_tokens import RESOURCE_SERVER, _create, _grant_api_access
from tests.support.oidc import discovery

GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
PAT_TYPE = "urn:idp:params:oauth:token-type:personal_access_token"
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"


def _exchange(stack, realm: str, token: str, client: dict = RESOURCE_SERVER,
              token_type: str = PAT_TYPE) -> requests.Response:
    return requests.post(f"{stack.keycloak_url}/realms/{realm}/protocol/openid-connect/token", timeout=30, data={
        "grant_type": GRANT, "client_id": client["client_id"], "client_secret": client["secret"],
        "subject_token": token, "subject_token_type": token_type})


def _verified(stack, realm: str, access_token: str) -> dict:
    meta = discovery(f"{stack.keycloak_url}/realms/{realm}")
    keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
    claims = jwt.decode(access_token, keys, algorithms=["RS256"]).claims
    jwt.JWTClaimsRegistry(leeway=5, iss={"essential": True, "value": meta["issuer"]},
                          exp={"essential": True}).validate(claims)
    return dict(claims)


def test_a_personal_access_token_becomes_a_short_lived_access_token(make_tenant, stack, admin, tmp_path):
    tenant = make_tenant("cloud", machine_clients=[RESOURCE_SERVER, BILLING])
    owner, member = Person(tenant, admin, stack), Person(tenant, admin, stack)
    opened = _account(stack, tenant, owner, tmp_path, (member, "user-admin"))
    _grant_api_access(admin, tenant.realm, member.user_id)
    everywhere = _create(member, name="everywhere", days=5).json()["token"]

    answer = _exchange(stack, tenant.realm, everywhere)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["issued_token_type"] == ACCESS_TOKEN and "refresh_token" not in body
    claims = _verified(stack, tenant.realm, body["access_token"])
    assert claims["sub"] == member.user_id and claims["azp"] == RESOURCE_SERVER["client_id"]
    [account] = claims["accounts"]
    assert account["id"] == opened.org_id and account["roles"] == ["user-admin"]
    assert claims["exp"] - claims["iat"] <= 300 * 2, "short-lived: the realm's access token lifespan"
    by_prefix = _exchange(stack, tenant.realm, everywhere, token_type=ACCESS_TOKEN)
    assert by_prefix.status_code == 200, "a client that only knows the standard type may send it as an access token"

    capped = _create(member, name="read", days=5, account_id=opened.org_id, role="viewer").json()
    [capped_account] = _verified(stack, tenant.realm, _exchange(stack, tenant.realm, capped["token"])
                                 .json()["access_token"])["accounts"]
    assert capped_account["roles"] == ["viewer"] and capped_account["projects"] == [], "capped at the token's role"

    revoked = requests.delete(f"{stack.settings.service_url}/api/v1/me/tokens/{capped['id']}", timeout=15,
                              headers={"Authorization": f"Bearer {member.tokens['access_token']}"})
    assert revoked.status_code == 204
    refused = _exchange(stack, tenant.realm, capped["token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_request"

    suspended = Billing(stack, tenant.realm).act(opened.account_number, "suspend", "Unpaid")
    assert suspended.status_code == 200
    assert _verified(stack, tenant.realm, _exchange(stack, tenant.realm, everywhere).json()["access_token"])[
        "accounts"] == [], "a suspended account is out of reach"

    not_allowed = _exchange(stack, tenant.realm, everywhere, client=BILLING)
    assert not_allowed.status_code == 403 and not_allowed.json()["error"] == "unauthorized_client"
    assert "idp-token-introspector" in not_allowed.json()["error_description"]

    assert runtime.stop_service(stack.settings)
    try:
        down = _exchange(stack, tenant.realm, everywhere)
        assert down.status_code == 503 and down.json()["error"] == "temporarily_unavailable", "fails closed"
    finally:
        runtime.restart_service(stack.settings, Console(quiet=True))
