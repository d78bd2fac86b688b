"""Checks the account details form and turns it into user profile attributes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import phonenumbers
from babel import Locale

from contract import names
from webhooks.account_details.tax_ids import validate_tax_id
from webhooks.step_errors import StepRefused

ACCOUNT_TYPES = ("personal", "business")


@dataclass(frozen=True)
class AccountDetails:
    country: str
    account_type: str
    company_name: str = ""
    tax_id: str = ""

    def as_attributes(self) -> dict[str, list[str]]:
        """User profile attributes (the account console shows them)."""
        attributes = {names.COUNTRY: [self.country], names.ACCOUNT_TYPE: [self.account_type]}
        if self.account_type == "business":
            attributes |= {names.COMPANY_NAME: [self.company_name], names.TAX_ID: [self.tax_id]}
        return attributes


def _territories(locale: str) -> dict[str, str]:
    return Locale.parse(locale if locale in ("en", "ru") else "en").territories


def country_name(locale: str, code: str) -> str:
    """The country's name in the user's language (the code if CLDR has none)."""
    return _territories(locale).get(code, code)


def country_choices(locale: str, allowed: list[str] | tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(code, name in the user's language) for every selectable country, sorted by name. Without a
    tenant list: the places that have phone numbers (libphonenumber's regions), which leaves out CLDR's
    pseudo-locales (XA, XB), groupings (EU, UN, QO "Outlying Oceania") and "Unknown Region"."""
    territories = _territories(locale)
    codes = allowed or [c for c in territories if c in phonenumbers.SUPPORTED_REGIONS]
    return sorted(((c, territories.get(c, c)) for c in codes), key=lambda pair: pair[1])


def check(form: Mapping[str, str], allowed_countries: list[str] | tuple[str, ...], business_allowed: bool,
          locale: str = "en") -> AccountDetails:
    """Valid details from the form, or StepRefused for the first problem."""
    country = (form.get("country") or "").strip().upper()
    if country not in dict(country_choices(locale, allowed_countries)):
        raise StepRefused("account.country_required")
    account_type = form.get("account_type") or ""
    if account_type not in ACCOUNT_TYPES or (account_type == "business" and not business_allowed):
        raise StepRefused("account.type_required")
    if account_type == "personal":
        return AccountDetails(country, account_type)
    company = " ".join((form.get("company_name") or "").split())
    if not company:
        raise StepRefused("account.company_required")
    if len(company) > 200:
        raise StepRefused("account.company_too_long")
    tax_id = validate_tax_id(country, form.get("tax_id", ""), country_name(locale, country))
    return AccountDetails(country, account_type, company, tax_id)
