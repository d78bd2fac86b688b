"""Attack 4: SMS and voice pumping. Premium-rate, shared-cost, toll-free and other toll numbers get
no code; fixed lines get a call only where the tenant allows it; a tenant without a country list
accepts only the safe default countries."""

from __future__ import annotations

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from tests.support.pages import Page
from tests.support.stack import create_user

PASSWORD = "Sunny-Harbor7"


def _example(region: str, kind: int) -> str:
    return phonenumbers.format_number(phonenumbers.example_number_for_type(region, kind),
                                      phonenumbers.PhoneNumberFormat.E164)


def _wizard(make_tenant, admin, **phone):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [{"kind": "phone", **phone}]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    assert isinstance(page, Page) and page.soup.find(id="phone-form") is not None
    return browser, page


@pytest.mark.parametrize(("region", "kind"), [
    ("GB", PhoneNumberType.PREMIUM_RATE), ("FR", PhoneNumberType.SHARED_COST), ("GB", PhoneNumberType.TOLL_FREE),
    ("GB", PhoneNumberType.VOIP), ("GB", PhoneNumberType.PERSONAL_NUMBER), ("GB", PhoneNumberType.UAN),
    ("GB", PhoneNumberType.FIXED_LINE)])
def test_numbers_that_cannot_take_an_sms_get_no_code(make_tenant, stack, admin, region, kind):
    browser, page = _wizard(make_tenant, admin, allowed_countries=["GB", "FR"], channel="sms")
    number = _example(region, kind)
    refused = browser.submit(page, {"phone": number}, "phone-form")
    assert refused.status == 422 and "cannot receive SMS" in refused.soup.find(id="error").text
    assert stack.inbox.messages(number) == []


def test_a_uk_mobile_gets_its_code(make_tenant, stack, admin):
    browser, page = _wizard(make_tenant, admin, allowed_countries=["GB"], channel="sms")
    number = _example("GB", PhoneNumberType.MOBILE)
    sent = browser.submit(page, {"phone": number}, "phone-form")
    assert sent.soup.find(id="code-sent") is not None and len(stack.inbox.wait_for(number)) == 1


@pytest.mark.parametrize(("fixed_allowed", "called"), [(False, False), (True, True)])
def test_fixed_lines_get_a_call_only_where_the_tenant_allows(make_tenant, stack, admin, fixed_allowed, called):
    browser, page = _wizard(make_tenant, admin, allowed_countries=["GB"], channel="voice",
                            fixed_line_for_voice=fixed_allowed)
    number = _example("GB", PhoneNumberType.FIXED_LINE)
    result = browser.submit(page, {"phone": number}, "phone-form")
    assert (result.soup.find(id="code-sent") is not None) is called
    if not called:
        assert "cannot call this number" in result.soup.find(id="error").text
    assert len(stack.inbox.messages(number)) == int(called)


def test_a_tenant_without_a_country_list_accepts_only_the_safe_default(make_tenant, stack, admin):
    browser, page = _wizard(make_tenant, admin)  # no allowed_countries
    number = _example("SO", PhoneNumberType.MOBILE)  # Somalia: not in the default list
    refused = browser.submit(page, {"phone": number}, "phone-form")
    assert "are not accepted here" in refused.soup.find(id="error").text
    assert stack.inbox.messages(number) == []
    german = browser.submit(refused, {"phone": _example("DE", PhoneNumberType.MOBILE)}, "phone-form")
    assert german.soup.find(id="code-sent") is not None
