"""The provider chooser in a real browser, by keyboard alone: search, then sign up with the provider
found, landing on that tenant's own registration form."""

from __future__ import annotations

from tests.e2e.test_browser_sign_up import SCREENSHOTS
from tests.integration.test_provider_chooser import shipped  # noqa: F401  (fixture: the shipped tenants)


def _tab_to(page, element_id: str, most: int = 20) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable by Tab")


def test_a_visitor_finds_a_provider_and_reaches_its_sign_up_by_keyboard(shipped, page):  # noqa: F811
    page.goto(f"{shipped.settings.service_url}/providers?q=")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "providers.png"), full_page=True)
    assert page.locator("#providers > li").count() == 2
    _tab_to(page, "q")  # past the language links
    page.keyboard.type("deploy from git")
    page.keyboard.press("Enter")
    page.wait_for_url("**/providers?q=deploy+from+git")
    assert page.locator("#providers > li").count() == 1
    _tab_to(page, "sign-up-paas")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{shipped.keycloak_url}/realms/paas/**")
    page.wait_for_selector("#kc-register-form")
    assert page.locator("input[name=email]").is_visible()
