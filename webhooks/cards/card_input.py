"""What the card form holds, checked field by field before any gateway sees it. The full number and
the CVC live only in this object for the length of one request: never stored, never logged."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from stdnum import luhn

from webhooks.step_errors import StepRefused


@dataclass(frozen=True)
class CardInput:
    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str = field(repr=False)

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def bin(self) -> str:
        return self.number[:6]


def read_card(form: Mapping[str, str], now: datetime) -> CardInput:
    """The card from the form, or StepRefused naming the field that is wrong."""
    number = re.sub(r"[\s-]", "", form.get("number") or "")
    if not number:
        raise StepRefused("card.number_required")
    if not number.isdigit() or not 12 <= len(number) <= 19 or not luhn.is_valid(number):
        raise StepRefused("card.number_invalid")
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", form.get("expiry") or "")
    if not match or not 1 <= int(match.group(1)) <= 12:
        raise StepRefused("card.expiry_invalid")
    month, year = int(match.group(1)), int(match.group(2))
    year = year + 2000 if year < 100 else year
    if (year, month) < (now.year, now.month):
        raise StepRefused("card.expiry_past")
    if year > now.year + 20:
        raise StepRefused("card.expiry_invalid")
    cvc = (form.get("cvc") or "").strip()
    if not re.fullmatch(r"\d{3,4}", cvc):
        raise StepRefused("card.cvc_invalid")
    return CardInput(number, month, year, cvc)
