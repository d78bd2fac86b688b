"""Amounts of a currency: whole units as tenants write them, minor units as the ledger keeps them,
decimal strings as the API shows them, formatted text as pages show them. The currency's precision
comes from babel (CLDR)."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision


def to_minor(amount: int, currency: str) -> int:
    """Whole units in minor units (500 RUB -> 50000 kopecks)."""
    return amount * 10 ** get_currency_precision(currency)


def to_whole(minor: int, currency: str) -> int:
    """Minor units in whole units, dropping any fraction (50000 kopecks -> 500 RUB)."""
    return minor // 10 ** get_currency_precision(currency)


def _exact(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-get_currency_precision(currency))  # exact: no float on the way


def as_decimal(minor: int, currency: str) -> str:
    """Minor units as a decimal string in whole units (50000 RUB -> "500.00")."""
    return f"{_exact(minor, currency):.{get_currency_precision(currency)}f}"


def formatted(minor: int, currency: str, locale: str) -> str:
    """Minor units as a page shows them in the reader's language ("RUB1,500.00", "1 500,00 ₽")."""
    return format_currency(_exact(minor, currency), currency, locale=locale)
