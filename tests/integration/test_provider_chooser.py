"""The public provider chooser (seed 000): the tenants that opt in, in the visitor's language,
searchable, each leading to its own hosted registration."""

from __future__ import annotations

import pytest
import requests
from bs4 import BeautifulSoup

from tests.integration.test_apply import idp
from tests.support.pages import Browser


@pytest.fixture(scope="module")
def shipped(stack, admin):
    """The shipped tenants (cloud and paas opt in, console does not), applied through the CLI."""
    result = idp(stack, "apply")
    assert result.returncode == 0, result.stdout + result.stderr
    yield stack
    for realm in ("cloud", "console", "paas"):  # other modules create the shipped realms afresh
        admin.delete_realm(realm)


def _chooser(stack, **params) -> BeautifulSoup:
    response = requests.get(f"{stack.settings.service_url}/providers", params=params, timeout=30)
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def test_only_the_tenants_that_opt_in_are_listed_in_the_visitors_language(shipped):
    page = _chooser(shipped, lang="en")
    listed = [li["id"] for li in page.select("#providers > li")]
    assert listed == ["provider-paas", "provider-cloud"], "by name: Hosted PaaS, Public Cloud; console is unlisted"
    assert "Country: Russia" in page.select_one("#provider-cloud").text
    assert "Deploy apps from Git" in page.select_one("#provider-paas").text
    russian = _chooser(shipped, lang="ru")
    assert "Страна: Россия" in russian.select_one("#provider-cloud").text
    assert "Страна: Германия" in russian.select_one("#provider-paas").text
    assert russian.select_one("h1").text == "Выберите провайдера"


def test_the_search_narrows_by_name_description_or_country(shipped):
    assert [li["id"] for li in _chooser(shipped, q="git").select("#providers > li")] == ["provider-paas"]
    assert [li["id"] for li in _chooser(shipped, q="russia").select("#providers > li")] == ["provider-cloud"]
    assert [li["id"] for li in _chooser(shipped, q="public CLOUD").select("#providers > li")] == ["provider-cloud"]
    nothing = _chooser(shipped, q="mainframe")
    assert nothing.select_one("#no-providers").text == "No provider matches your search."
    assert nothing.select_one("#q")["value"] == "mainframe", "the search box keeps what was typed"
    too_long = requests.get(f"{shipped.settings.service_url}/providers", params={"q": "x" * 101}, timeout=30)
    assert too_long.status_code == 400 and "at most 100 characters" in too_long.text


def test_sign_up_leads_to_the_tenants_own_registration_form(shipped):
    link = _chooser(shipped, lang="en").select_one("#sign-up-cloud")
    assert link.text == "Sign up" and link["aria-label"] == "Sign up with Public Cloud"
    visitor = Browser(shipped.keycloak_url, "cloud", "idp-service", "")
    page = visitor.open(f"{shipped.settings.service_url}{link['href']}")
    assert f"{shipped.keycloak_url}/realms/cloud/" in page.url, page.url
    assert page.soup.find("input", attrs={"name": "email"}) is not None and page.soup.find(id="kc-register-form")


def test_an_existing_user_reaches_the_providers_sign_in_from_the_list(shipped):
    """Seed 000: clicking a provider in the list leads to its login page."""
    link = _chooser(shipped, lang="en").select_one("#sign-in-paas")
    assert link.text.strip() == "Sign in" and link["aria-label"] == "Sign in to Hosted PaaS"
    visitor = Browser(shipped.keycloak_url, "paas", "idp-service", "")
    page = visitor.open(f"{shipped.settings.service_url}{link['href']}")
    assert f"{shipped.keycloak_url}/realms/paas/" in page.url, page.url
    assert page.soup.find("input", attrs={"name": "password"}) is not None and page.soup.find(id="kc-form-login")


@pytest.mark.parametrize(("lang", "words"), [("en", "Signing up as anna@example.test"),
                                             ("ru", "Регистрация на anna@example.test")])
def test_the_email_given_first_is_filled_in_on_the_providers_form(shipped, lang, words):
    """Seed 000: the visitor gives their email, then picks a provider, whose form has it already."""
    page = _chooser(shipped, lang=lang, email="anna@example.test")
    assert words in page.select_one("#signing-up-as").text
    link = page.select_one("#sign-up-cloud")["href"]
    visitor = Browser(shipped.keycloak_url, "cloud", "idp-service", "")
    form = visitor.open(f"{shipped.settings.service_url}{link}")
    assert form.soup.find(id="kc-register-form"), form.text[:300]
    assert form.soup.find("input", attrs={"name": "email"})["value"] == "anna@example.test"


def test_a_mistyped_email_is_explained_and_not_carried(shipped):
    page = _chooser(shipped, lang="en", email="anna at example")
    assert page.select_one("#email-error").text == "Enter an email address, such as name@example.com."
    assert page.select_one("#email")["aria-invalid"] == "true"
    assert "login_hint" not in page.select_one("#sign-up-cloud")["href"]
