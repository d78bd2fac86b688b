"""Card ranges (the first six digits, the BIN) this service recognises as virtual or prepaid. Card
networks and Stripe report prepaid cards, but no gateway reports a card as virtual: issuers sell
virtual cards from their own BIN ranges, so refusing them needs a list. The sandbox's test cards are
in it; a provider that refuses virtual cards extends it with the ranges of its market's issuers."""

from __future__ import annotations

from webhooks.cards.gateway import Funding

VIRTUAL_BINS = frozenset({"222100"})
PREPAID_BINS = frozenset({"400018"})


def funding_by_bin(bin6: str) -> Funding | None:
    """What the range says of the card, if it is one of ours."""
    if bin6 in VIRTUAL_BINS:
        return "virtual"
    if bin6 in PREPAID_BINS:
        return "prepaid"
    return None
