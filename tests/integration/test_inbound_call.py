"""Inbound-call verification through the real stack (seed 002): the wizard shows the number to call and
the digits; the user "calls" from the dev inbox's "call from this number" form, as the browser tests
do with the dev sink; the right caller ID and digits confirm the number, the wizard finishes and the
token carries it. Typing the digits into the page does nothing."""

from __future__ import annotations

from tests.integration.test_onboarding import _claims, _wizard
from tests.support.onboarding import random_ru_mobile
from tests.support.pages import Page

INBOUND = {"kind": "phone", "allowed_countries": ["RU"], "channel": "inbound_call", "call_number": "+74951234567",
           "code_length": 4, "attempts_per_code": 3}


def _call(browser, stack, caller: str, called: str, digits: str) -> Page:
    inbox = browser.open(f"{stack.settings.service_url}/dev/inbox")
    return browser.submit(inbox, {"caller": caller, "called": called, "digits": digits}, "call-form")


def test_the_user_calls_from_their_number_and_keys_in_the_digits(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [INBOUND]})
    browser, page, _ = _wizard(tenant, admin)
    number = random_ru_mobile()
    shown = browser.submit(page, {"phone": number}, "phone-form")
    assert isinstance(shown, Page)
    instructions = shown.soup.find(id="call-instructions").get_text(" ", strip=True)
    assert "+7 495 123-45-67" in instructions and number in instructions
    digits = shown.soup.find(id="call-digits").get_text(strip=True).replace(" ", "")
    assert len(digits) == 4 and digits.isdigit()

    early = browser.submit(shown, {}, "verify-form")
    assert "not received your call" in early.soup.find(id="error").text

    wrong_line = _call(browser, stack, number, "+74950000000", digits)
    assert "No confirmation is waiting" in wrong_line.text, "a call to another number counts for nothing"
    other_phone = _call(browser, stack, random_ru_mobile(), "+74951234567", digits)
    assert "No confirmation is waiting" in other_phone.text, "nor a call from another phone"
    wrong = "0000" if digits != "0000" else "1111"
    assert "not correct" in _call(browser, stack, number, "+74951234567", wrong).text
    heard = _call(browser, stack, number, "+74951234567", digits)
    assert "Your number is confirmed" in heard.text

    again = browser.open(shown.url)
    assert number in again.soup.find(id="call-received").text
    code = browser.submit(again, {}, "verify-form")
    assert isinstance(code, str), "the wizard finished and the app got its code"
    claims = _claims(browser, code)
    assert claims["phone_number"] == number and claims["phone_number_verified"] is True
