"""The JSON shapes the API returns for a balance, a card and an auto top-up choice. No Flask."""

from __future__ import annotations

from contract.onboarding import CardStep
from webhooks.balance.auto_top_up import AutoTopUpRow
from webhooks.balance.ledger import LedgerEntry
from webhooks.balance.money import as_decimal
from webhooks.cards.models import BoundCard


def balance(totals: dict[str, int]) -> list[dict]:
    return [{"currency": c, "amount": as_decimal(v, c), "amount_minor": v} for c, v in sorted(totals.items())]


def entry(row: LedgerEntry) -> dict:
    return {"kind": row.kind, "amount": as_decimal(row.amount_minor, row.currency), "amount_minor": row.amount_minor,
            "currency": row.currency, "created_at": row.created_at.isoformat()}


def card(bound: BoundCard | None) -> dict | None:
    """What the card's owner may see: never the gateway's token."""
    if bound is None:
        return None
    return {"brand": bound.brand, "last4": bound.last4, "exp_month": bound.exp_month, "exp_year": bound.exp_year,
            "bound_at": bound.bound_at.isoformat()}


def card_for_billing(bound: BoundCard | None) -> dict | None:
    """What the provider's billing system charges with: the gateway, its token and customer."""
    if bound is None:
        return None
    return (card(bound) or {}) | {"gateway": bound.gateway, "token": bound.card_token, "customer": bound.customer,
                                  "fingerprint": bound.fingerprint}


def auto_top_up(row: AutoTopUpRow | None, settings: CardStep | None) -> dict:
    bounds = settings.auto_top_up if settings else None
    enabled = bool(row and row.enabled)
    return {
        "offered": bool(bounds and bounds.offered),
        "enabled": enabled,
        "amount": as_decimal(row.amount_minor, row.currency) if row and enabled else None,
        "threshold": as_decimal(row.threshold_minor, row.currency) if row and enabled else None,
        "currency": settings.currency if settings else None,
        "bounds": {"min_amount": bounds.min_amount, "max_amount": bounds.max_amount,
                   "max_threshold": bounds.max_threshold} if bounds and bounds.offered else None,
    }
