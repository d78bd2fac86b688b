"""The provider chooser in a real browser, by keyboard alone (seed 000): give the email, search, then
sign up with the provider found, landing on that tenant's own registration form with the email
filled in. axe-core checks the listing at both widths."""

from __future__ import annotations

from tests.integration.test_provider_chooser import shipped  # noqa: F401  (fixture: the shipped tenants)
from tests.support.accessibility import audit, tab_to


def test_a_visitor_finds_a_provider_and_reaches_its_sign_up_by_keyboard(shipped, page):  # noqa: F811
    page.goto(f"{shipped.settings.service_url}/providers?q=")
    assert page.locator("#providers > li").count() == 2
    tab_to(page, "#email")  # past the language links
    page.keyboard.type("visitor@example.test")
    page.keyboard.press("Enter")
    page.wait_for_selector("#signing-up-as")
    violations = audit(page, "providers-listed")
    tab_to(page, "#q")
    page.keyboard.type("deploy from git")
    page.keyboard.press("Enter")
    page.wait_for_url("**/providers?q=deploy+from+git&email=visitor%40example.test")
    assert page.locator("#providers > li").count() == 1
    tab_to(page, "#sign-up-paas")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{shipped.keycloak_url}/realms/paas/**")
    page.wait_for_selector("#kc-register-form")
    assert page.input_value("input[name=email]") == "visitor@example.test"
    assert not violations, "\n".join(violations)
