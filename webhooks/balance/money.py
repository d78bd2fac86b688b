"""Amounts of a currency: whole units as tenants write them, minor units as the ledger keeps them,
decimal strings as the API shows them. The currency's precision comes from babel (CLDR)."""

from __future__ import annotations

from babel.numbers import get_currency_precision


def to_minor(amount: int, currency: str) -> int:
    """Whole units in minor units (500 RUB -> 50000 kopecks)."""
    return amount * 10 ** get_currency_precision(currency)


def as_decimal(minor: int, currency: str) -> str:
    """Minor units as a decimal string in whole units (50000 RUB -> "500.00")."""
    digits = get_currency_precision(currency)
    return f"{minor / 10 ** digits:.{digits}f}"
