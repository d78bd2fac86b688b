"""Attack 1: a foreign Host header. Keycloak builds every link from its fixed public hostname, so a
password-reset email and the issuer never point at the attacker's host."""

from __future__ import annotations

from urllib.parse import urljoin

import requests

from tests.support.inbox import first_link
from tests.support.stack import create_user

EVIL = "evil.example"


def test_a_reset_requested_with_a_foreign_host_links_to_the_real_host(make_tenant, stack, admin):
    tenant = make_tenant("cloud")
    _, email = create_user(admin, tenant.realm)
    browser = tenant.browser()
    browser.session.headers["Host"] = EVIL
    login = browser.open_login()
    assert EVIL not in str(login.soup), "no link on the sign-in page points at the foreign host"
    forgot = login.soup.find("a", href=lambda h: h and "reset-credentials" in h)["href"]
    reset = browser.open(urljoin(login.url, forgot))
    browser.submit(reset, {"username": email})
    message = stack.inbox.wait_for(email)[0]
    link = first_link(message, "action-token")
    assert link.startswith(f"{stack.settings.keycloak_public_url}/realms/{tenant.realm}/"), link
    assert EVIL not in (message["text"] or "") + (message["html"] or "")


def test_the_issuer_ignores_the_host_header(make_tenant, stack):
    tenant = make_tenant("cloud")
    url = f"{stack.keycloak_url}/realms/{tenant.realm}/.well-known/openid-configuration"
    for headers in ({"Host": EVIL}, {"Host": EVIL, "X-Forwarded-Host": EVIL, "Forwarded": f"host={EVIL}"}):
        discovery = requests.get(url, headers=headers, timeout=10).json()
        assert discovery["issuer"] == f"{stack.settings.keycloak_public_url}/realms/{tenant.realm}"
        assert all(EVIL not in str(value) for value in discovery.values())
