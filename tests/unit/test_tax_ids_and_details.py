"""Tax ids by national checksum, and the account details form."""

from __future__ import annotations

import pytest

from webhooks.account_details.service import check, country_choices
from webhooks.account_details.tax_ids import validate_tax_id
from webhooks.onboarding.i18n import translate
from webhooks.step_errors import StepRefused


@pytest.mark.parametrize(("country", "value", "compact"), [
    ("RU", "7707083893", "7707083893"),          # INN of an organisation: 10 digits
    ("RU", "500100732259", "500100732259"),      # INN of an individual: 12 digits
    ("DE", "DE 136 695 976", "DE136695976"),
    ("DE", "136695976", "DE136695976"),          # the country prefix may be left out
    ("FR", "FR40303265045", "FR40303265045"),
    ("NL", "NL004495445B01", "NL004495445B01"),
    ("IT", "IT00743110157", "IT00743110157"),
    ("PL", "PL 856-734-62-15", "PL8567346215"),
    ("AT", "ATU13585627", "ATU13585627"),
])
def test_valid_tax_ids(country, value, compact):
    assert validate_tax_id(country, value) == compact


@pytest.mark.parametrize(("country", "value"), [
    ("RU", "7707083894"),       # checksum digit off by one
    ("RU", "500100732258"),
    ("RU", "12345"),            # neither 10 nor 12 digits
    ("DE", "DE136695977"),
    ("FR", "FR40303265046"),
    ("PL", "PL8567346216"),
    ("RU", "77O7083893"),       # a letter O instead of a zero
])
def test_invalid_checksums_are_refused_with_the_country(country, value):
    with pytest.raises(StepRefused) as caught:
        validate_tax_id(country, value)
    assert caught.value.key == "account.tax_id_invalid" and caught.value.params["country"] == country


def test_business_account_needs_company_and_a_valid_tax_id():
    form = {"country": "RU", "account_type": "business", "company_name": "  Romashka   LLC ", "tax_id": "7707083893"}
    details = check(form, (), True)
    assert details.as_attributes() == {"country": ["RU"], "accountType": ["business"],
                                       "companyName": ["Romashka LLC"], "taxId": ["7707083893"]}
    with pytest.raises(StepRefused, match=r"account\.company_required"):
        check({**form, "company_name": " "}, (), True)
    with pytest.raises(StepRefused, match=r"account\.tax_id_required"):
        check({**form, "tax_id": ""}, (), True)


def test_personal_account_needs_only_a_country_from_the_allowed_list():
    assert check({"country": "de", "account_type": "personal"}, (), True).as_attributes() == {
        "country": ["DE"], "accountType": ["personal"]}
    with pytest.raises(StepRefused, match=r"account\.country_required"):
        check({"country": "DE", "account_type": "personal"}, ("RU", "KZ"), True)
    with pytest.raises(StepRefused, match=r"account\.type_required"):
        check({"country": "RU", "account_type": "business"}, (), business_allowed=False)


def test_the_country_list_holds_real_countries_only():
    for locale in ("en", "ru"):
        choices = dict(country_choices(locale))
        assert {"RU", "DE", "US", "KZ"} <= set(choices)
        assert not {"XA", "XB", "QO", "ZZ", "EU", "UN", "EZ"} & set(choices), "no pseudo-locales or groupings"
    assert "Pseudo-Accents" not in dict(country_choices("en")).values()


def test_a_bad_tax_id_names_the_country_in_the_users_language():
    form = {"country": "RU", "account_type": "business", "company_name": "ООО Ромашка", "tax_id": "7707083894"}
    for locale, name in (("en", "Russia"), ("ru", "Россия")):
        with pytest.raises(StepRefused) as caught:
            check(form, (), True, locale)
        assert translate(locale, caught.value.key, **caught.value.params).count(name) == 1


def test_country_names_follow_the_language():
    assert dict(country_choices("ru", ("RU", "DE")))["DE"] == "Германия"
    assert dict(country_choices("en", ("RU",)))["RU"] == "Russia"
