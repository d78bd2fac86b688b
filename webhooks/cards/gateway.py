"""The payment gateway interface the card step uses: tokenize a card, charge it (with 3-D Secure when
the bank asks), confirm the challenge, refund. Every call that moves money takes an idempotency key,
so a retried request never charges twice. Implementations: sandbox.py (built in), stripe_gateway.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from webhooks.cards.card_input import CardInput
from webhooks.domain_errors import DomainError

Funding = Literal["credit", "debit", "prepaid", "virtual", "unknown"]
PaymentStatus = Literal["succeeded", "requires_challenge", "declined"]


@dataclass(frozen=True)
class CardToken:
    """What the gateway keeps of a card, and all we ever store: no number, no CVC."""

    token: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    fingerprint: str
    funding: Funding
    customer: str | None = None  # the gateway's customer the card is attached to, where it has one


@dataclass(frozen=True)
class Payment:
    id: str
    status: PaymentStatus
    decline_code: str | None = None  # insufficient_funds, stolen_card, expired_card, card_declined
    # Where the cardholder answers the bank when it is a page of the bank's (Stripe's 3-D Secure);
    # None when the bank sends a code that our page asks for (the sandbox).
    challenge_url: str | None = None


class PaymentGateway(Protocol):
    def tokenize(self, card: CardInput) -> CardToken:
        """Store the card at the gateway; what we may keep of it."""

    def charge(self, card: CardToken, amount_minor: int, currency: str, idempotency_key: str,
               notify_to: str, return_url: str) -> Payment:
        """Charge the card; `requires_challenge` when the bank asks the cardholder: by a code sent to
        `notify_to`, or on its own page (`challenge_url`) that sends the browser back to `return_url`."""

    def confirm_challenge(self, payment_id: str, code: str) -> Payment:
        """After the challenge: the code the cardholder typed (empty when they answered on the bank's
        page); succeeded, still `requires_challenge` (wrong code), or declined."""

    def refund(self, payment_id: str, idempotency_key: str) -> None:
        """Give the charged amount back."""


class NoGateway:
    """No gateway configured: the card step stops with a clear error instead of pretending to charge."""

    def _refuse(self, *args: object, **kwargs: object) -> CardToken:
        raise GatewayNotConfigured("Card payments are not set up on this service yet.")

    tokenize = charge = confirm_challenge = refund = _refuse


class GatewayNotConfigured(DomainError):
    status = 503
    code = "card_not_configured"
