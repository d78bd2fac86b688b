"""The whole sign-up, keyboard only, in English and Russian, with axe-core (WCAG 2.2 AA) over every
page on the way at desktop and phone widths: login, a failed login, registration and its errors,
the email notice, account details, phone, captcha, card, the account console landing, the service's
error page and the provider chooser; and, in a second journey, the emailed code (and its error) and
the organization step. The tenant has its own colour, and both Keycloak's pages and
the service's show it. Screenshots of each page at both widths land in .idp-test/screenshots/."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from tests.support.accessibility import audit, tab_to
from tests.support.inbox import first_link
from tests.support.oidc import exchange_code, verify_id_token
from tests.support.onboarding import email_code, phone_code, random_ru_mobile

BRAND = "#0f766e"
BRAND_RGB = "rgb(15, 118, 110)"
STEPS = [{"kind": "account_details", "business_accounts": True},
         {"kind": "phone", "allowed_countries": ["RU"], "channel": "sms", "code_length": 4},
         {"kind": "captcha"}, {"kind": "card"}]


@pytest.fixture
def keyboard_page(chromium, request):
    locale = request.param
    context = chromium.new_context(locale={"en": "en-US", "ru": "ru-RU"}[locale],
                                   viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)
    yield locale, context.new_page()
    context.close()


def _type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


class Audit:
    """axe over each page of one journey; the violations of all of them are asserted at the end."""

    def __init__(self, page, locale: str) -> None:
        self.page, self.locale, self.violations = page, locale, []

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.violations.extend(audit(self.page, f"{name}-{self.locale}"))


def _register_by_keyboard(page, email: str, names: bool = False) -> None:
    """Fill the open registration form and send it, by keyboard (terms ticked with Space)."""
    fields = [("#email", email), ("#password", "Sunny-Harbor7"), ("#password-confirm", "Sunny-Harbor7")]
    for field, value in fields + ([("#firstName", "Anna"), ("#lastName", "Petrova")] if names else []):
        _type_into(page, field, value)
    if page.locator("#termsAccepted").count():
        tab_to(page, "#termsAccepted")
        page.keyboard.press("Space")
    tab_to(page, "#kc-register-form [type=submit]")
    page.keyboard.press("Enter")


def _background(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor")


@pytest.mark.parametrize("keyboard_page", ["en", "ru"], indirect=True)
def test_keyboard_only_sign_up_passes_axe_on_every_page(make_tenant, stack, keyboard_page):
    locale, page = keyboard_page
    tenant = make_tenant("cloud", look={"primary_color": BRAND},
                         onboarding={"enforce": "login", "steps": STEPS})
    oidc = tenant.browser()
    email = f"kbd-{uuid.uuid4().hex[:8]}@example.test"
    journey = Audit(page, locale)
    check = journey.check

    page.goto(f"{oidc.realm_url}/protocol/openid-connect/auth?{urlencode(oidc._auth_params())}")
    page.wait_for_selector("#kc-login")
    assert _background(page, "#kc-login") == BRAND_RGB, "the login page wears the tenant's colour"
    check("login")
    _type_into(page, "#username", email)
    _type_into(page, "#password", "Not-The-Password1")
    page.keyboard.press("Enter")
    page.wait_for_selector("[id^=input-error]")
    check("login-error")

    tab_to(page, "#kc-registration a")
    page.keyboard.press("Enter")
    page.wait_for_selector("#kc-register-form")
    check("register")
    tab_to(page, "#kc-register-form [type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#input-error-email")
    check("register-errors")
    _register_by_keyboard(page, email)
    page.wait_for_selector("#kc-page-title")
    page.wait_for_load_state("load")
    check("verify-email")

    page.goto(first_link(stack.inbox.wait_for(email)[0], "action-token"))
    page.wait_for_selector("#account-form")
    assert _background(page, ".idp-primary") == BRAND_RGB, "the service's pages wear the same colour"
    check("account-details")
    tab_to(page, "#country")
    # Arrow keys, as a keyboard user may: Playwright types Cyrillic as inserted text, which a
    # closed select's type-ahead ignores.
    for _ in range(300):
        if page.input_value("#country") == "RU":
            break
        page.keyboard.press("ArrowDown")
    assert page.input_value("#country") == "RU"
    tab_to(page, "#account-form [type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_selector("#phone-form")
    check("phone")
    number = random_ru_mobile()
    _type_into(page, "#phone", number)
    page.keyboard.press("Enter")
    page.wait_for_selector("#code-sent")
    check("phone-code")
    _type_into(page, "#code", phone_code(stack.inbox, number))
    page.keyboard.press("Enter")

    page.wait_for_selector("#captcha-form")
    check("captcha")
    answer = next(m["text"] for m in stack.inbox.wait_for(email, count=2) if "action-token" not in m["text"])
    _type_into(page, "#answer", answer)
    page.keyboard.press("Enter")

    page.wait_for_selector("#card-form")
    check("card")
    _type_into(page, "#number", "4242 4242 4242 4242")
    _type_into(page, "#expiry", "08/29")
    _type_into(page, "#cvc", "123")
    page.keyboard.press("Enter")
    page.wait_for_selector("#card-finish-form")
    check("card-bound")
    tab_to(page, "#card-finish-form [type=submit]")
    # Back at the relying app's redirect URI (nothing listens there: the request itself is the proof).
    with page.expect_request(lambda r: r.url.startswith(oidc.redirect_uri)) as landed:
        page.keyboard.press("Enter")
    callback = parse_qs(urlparse(landed.value.url).query)
    assert callback["state"] == [oidc.state]
    claims = verify_id_token(oidc, exchange_code(oidc, callback["code"][0])["id_token"])
    assert claims["email"] == email and claims["onboarding_complete"] is True and claims["card_bound"] is True

    # A fresh tab (same cookies): the old one may still be failing its way to the app's unserved callback.
    page = journey.page = page.context.new_page()
    page.goto(f"{oidc.realm_url}/account")
    page.wait_for_selector("#main-content, main")
    page.wait_for_load_state("networkidle")
    check("account-console")
    page.goto(f"{stack.settings.service_url}/onboarding/start")
    check("service-error")
    page.goto(f"{stack.settings.service_url}/providers")
    check("providers")

    assert not journey.violations, "\n".join(journey.violations)


@pytest.mark.parametrize("keyboard_page", ["en", "ru"], indirect=True)
def test_email_code_and_organization_steps_by_keyboard_pass_axe(make_tenant, stack, keyboard_page):
    """The `console` journey's own pages: the emailed code (with a wrong try) and naming the
    organization and its first project."""
    locale, page = keyboard_page
    tenant = make_tenant("console", onboarding={"steps": [{"kind": "email_code"}, {"kind": "organization"}]})
    oidc = tenant.browser()
    email = f"kbd-code-{uuid.uuid4().hex[:8]}@example.test"
    journey = Audit(page, locale)
    check = journey.check

    page.goto(f"{oidc.realm_url}/protocol/openid-connect/registrations?{urlencode(oidc._auth_params())}")
    page.wait_for_selector("#kc-register-form")
    _register_by_keyboard(page, email, names=True)

    page.wait_for_selector("#email-send-form")
    check("email-code")
    tab_to(page, "#send")
    page.keyboard.press("Enter")
    page.wait_for_selector("#code-sent")
    _type_into(page, "#code", "ZZZ-ZZZ")
    page.keyboard.press("Enter")
    page.wait_for_selector("#error")
    check("email-code-error")
    tab_to(page, "#code")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(email_code(stack.inbox, email))
    page.keyboard.press("Enter")

    page.wait_for_selector("#organization-form")
    check("organization")
    _type_into(page, "#account_name", "Romashka")
    _type_into(page, "#project_name", "Website")
    with page.expect_request(lambda r: r.url.startswith(oidc.redirect_uri)):
        tab_to(page, "#organization-form [type=submit]")
        page.keyboard.press("Enter")
    assert not journey.violations, "\n".join(journey.violations)
