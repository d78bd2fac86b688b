"""Tax identification numbers checked by their national checksum (python-stdnum)."""

from __future__ import annotations

import re

from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from stdnum.ru import inn as ru_inn

from webhooks.step_errors import StepRefused

# EU VAT numbers carry a country prefix; Greece's is EL.
EU_COUNTRIES = {c.upper() for c in eu_vat.MEMBER_STATES if c != "el"} | {"GR"}


def validate_tax_id(country: str, raw: str, country_name: str | None = None) -> str:
    """The compact, valid tax id for `country`, or StepRefused naming what is wrong (and the country,
    by the name the user reads)."""
    value = (raw or "").strip()
    if not value:
        raise StepRefused("account.tax_id_required")
    country = country.upper()
    try:
        if country == "RU":
            return ru_inn.validate(value)  # 10 digits (organisations) or 12 (individuals), both checksummed
        if country in EU_COUNTRIES:
            prefix = "EL" if country == "GR" else country
            cleaned = re.sub(r"[\s.\-/]", "", value).upper()
            return eu_vat.validate(cleaned if cleaned[:2].isalpha() else prefix + cleaned)
        module = get_cc_module(country.lower(), "vat") or get_cc_module(country.lower(), "tin")
        if module is not None:
            return module.validate(value)
    except ValidationError as exc:
        raise StepRefused("account.tax_id_invalid", country=country_name or country) from exc
    if not value.replace("-", "").replace(" ", "").isalnum() or len(value) > 32:
        raise StepRefused("account.tax_id_invalid", country=country_name or country)
    return value
