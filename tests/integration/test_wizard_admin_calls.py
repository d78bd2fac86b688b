"""A wizard page view costs Keycloak no admin API call beyond the realm settings the service caches:
counted from Keycloak's own request metrics (by URI template) around repeated views of a step page.
The reconciler's periodic event pulls are left out of the count; they are not the page's."""

from __future__ import annotations

import re

import requests

from tests.integration.test_onboarding import PHONE_RU, _wizard
from tests.support.pages import Page

RECONCILER = ("/events", "/admin-events")


def _admin_requests(stack) -> float:
    text = requests.get(f"{stack.settings.management_url}/metrics", timeout=10).text
    total = 0.0
    for uri, count in re.findall(r'^http_server_requests_seconds_count\{[^}]*uri="(/admin/[^"]*)"[^}]*\} (\S+)$',
                                 text, re.MULTILINE):
        if not uri.endswith(RECONCILER):
            total += float(count)
    return total


def test_viewing_a_step_again_asks_keycloak_nothing(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [PHONE_RU]})
    browser, page, _ = _wizard(tenant, admin)
    assert isinstance(browser.open(page.url), Page)  # the caches are warm now
    before = _admin_requests(stack)
    for _ in range(3):
        again = browser.open(page.url)
        assert isinstance(again, Page) and again.soup.find(id="phone-form") is not None
    after = _admin_requests(stack)
    assert after - before == 0
    admin.get_realm(tenant.realm)  # the count does see an admin call when there is one
    assert _admin_requests(stack) > after
