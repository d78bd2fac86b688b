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


@dataclass(frozen=True)
class Payment:
    id: str
    status: PaymentStatus
    decline_code: str | None = None  # insufficient_funds, stolen_card, expired_card, card_declined


class PaymentGateway(Protocol):
    def tokenize(self, card: CardInput) -> CardToken:
        """Store the card at the gateway; what we may keep of it."""

    def charge(self, card: CardToken, amount_minor: int, currency: str, idempotency_key: str,
               notify_to: str) -> Payment:
        """Charge the card; `requires_challenge` when the bank sends the cardholder a code (to `notify_to`)."""

    def confirm_challenge(self, payment_id: str, code: str) -> Payment:
        """The code the cardholder typed; succeeded, or declined (wrong code or attempts spent)."""

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
