"""A tenant's look (logo, colour, favicon) from its YAML to the CSS both Keycloak's pages and the
service's pages load; a value edited into the realm by hand never reaches the CSS unchecked."""

from __future__ import annotations

import json

import requests

from contract.names import LOOK_ATTRIBUTE

LOOK = {"primary_color": "#6d28d9", "logo_url": "https://cdn.example.com/acme/logo.svg",
        "favicon_url": "https://cdn.example.com/acme/favicon.ico"}


def test_the_look_reaches_keycloak_pages_and_the_service(make_tenant, stack):
    tenant = make_tenant("cloud", look=LOOK)
    base = f"{stack.keycloak_url}/realms/{tenant.realm}/idp-look"
    css = requests.get(f"{base}/style.css", timeout=10)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "--idp-brand:#6d28d9;" in css.text
    assert 'url("https://cdn.example.com/acme/logo.svg")' in css.text
    favicon = requests.get(f"{base}/favicon", allow_redirects=False, timeout=10)
    assert favicon.status_code == 302 and favicon.headers["Location"] == LOOK["favicon_url"]

    login = tenant.browser().open_login()
    assert "/js/look.js" in str(login.soup), "Keycloak's pages load the tenant's look"
    # The service's pages link the same stylesheet; tests/e2e/test_accessible_sign_up.py sees both
    # kinds of page wear the tenant's colour in a browser.


def test_a_tenant_without_a_look_gets_the_default(make_tenant, stack):
    tenant = make_tenant("cloud", look={"primary_color": None})  # the shipped cloud sets only a colour
    base = f"{stack.keycloak_url}/realms/{tenant.realm}/idp-look"
    assert requests.get(f"{base}/style.css", timeout=10).text == ""
    assert requests.get(f"{base}/favicon", allow_redirects=False, timeout=10).status_code == 404


def test_a_hand_edited_look_cannot_inject_css(make_tenant, stack, admin):
    tenant = make_tenant("cloud", look=LOOK)
    admin.change_current_realm(tenant.realm)
    admin.update_realm(tenant.realm, {"attributes": {LOOK_ATTRIBUTE: json.dumps({
        "primary_color": "red;}body{display:none", "logo_url": 'https://x.example/a");}*{color:red',
        "favicon_url": "javascript:alert(1)"})}})
    base = f"{stack.keycloak_url}/realms/{tenant.realm}/idp-look"
    assert requests.get(f"{base}/style.css", timeout=10).text == ""
    assert requests.get(f"{base}/favicon", allow_redirects=False, timeout=10).status_code == 404
