"""The Stripe adapter of the payment gateway interface (the `stripe` package). A card becomes a
PaymentMethod attached to a new Customer (what the provider's billing later charges off-session);
the test charge is a confirmed PaymentIntent that saves the card for off-session use; 3-D Secure is
Stripe's own page (`next_action.redirect_to_url`), after which the intent is read again. Every call
that moves money carries our idempotency key, so Stripe itself refuses to charge twice.

The card number reaches this service (the form posts it), so using this adapter with live keys
needs Stripe's raw card data access and the PCI DSS scope that comes with it; see the README."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import stripe

from webhooks.cards.bin_ranges import funding_by_bin
from webhooks.cards.card_input import CardInput
from webhooks.cards.gateway import CardToken, Funding, Payment
from webhooks.domain_errors import DomainError
from webhooks.step_errors import StepRefused

log = logging.getLogger(__name__)

# What Stripe says of card details it refuses to save, as the field our form names.
FIELD_ERRORS = {"incorrect_number": "card.number_invalid", "invalid_number": "card.number_invalid",
                "invalid_expiry_month": "card.expiry_invalid", "invalid_expiry_year": "card.expiry_invalid",
                "invalid_cvc": "card.cvc_invalid", "incorrect_cvc": "card.cvc_invalid",
                "expired_card": "card.declined_expired_card"}

# Stripe's decline and error codes, folded into the reasons our pages explain.
DECLINES = {"insufficient_funds": "insufficient_funds", "stolen_card": "stolen_card", "lost_card": "stolen_card",
            "expired_card": "expired_card", "pickup_card": "stolen_card"}


class GatewayUnavailable(DomainError):
    status = 503
    code = "card_gateway_unavailable"


def _decline(code: str | None) -> str:
    return DECLINES.get(code or "", "card_declined")


@contextmanager
def _stripe_errors(doing: str) -> Iterator[None]:
    """Stripe's own failures (network, keys, limits) as one clear 503; card declines are handled by
    the caller."""
    try:
        yield
    except stripe.CardError:
        raise
    except stripe.StripeError as exc:
        # Stripe's message may quote what was sent: log the kind and the request id only.
        log.error("stripe error while %s: %s (request %s)", doing, type(exc).__name__,
                  getattr(exc, "request_id", None))
        raise GatewayUnavailable("The card could not be checked right now. Please try again in a few "
                                 "minutes.") from None


class StripeGateway:
    def __init__(self, secret_key: str, api_base: str = "https://api.stripe.com") -> None:
        # Retries reuse our idempotency keys, so a lost response never turns into a second charge.
        self._client = stripe.StripeClient(secret_key, base_addresses={"api": api_base}, max_network_retries=2)

    def tokenize(self, card: CardInput) -> CardToken:
        with _stripe_errors("saving the card"):
            try:
                method = self._client.v1.payment_methods.create(params={
                    "type": "card", "card": {"number": card.number, "exp_month": card.exp_month,
                                             "exp_year": card.exp_year, "cvc": card.cvc}})
            except stripe.CardError as exc:
                code = getattr(exc.error, "code", None) if exc.error else None
                raise StepRefused(FIELD_ERRORS.get(code or "", "card.declined_card_declined")) from None
            customer = self._client.v1.customers.create(params={"payment_method": method.id})
        details = method.card
        funding: Funding = funding_by_bin(card.bin) or (
            details.funding if details.funding in ("credit", "debit", "prepaid") else "unknown")
        return CardToken(method.id, details.brand, details.last4, details.exp_month, details.exp_year,
                         details.fingerprint or "", funding, customer=customer.id)

    def charge(self, card: CardToken, amount_minor: int, currency: str, idempotency_key: str,
               notify_to: str, return_url: str) -> Payment:
        params: dict[str, Any] = {
            "amount": amount_minor, "currency": currency.lower(), "customer": card.customer,
            "payment_method": card.token, "payment_method_types": ["card"], "confirm": True,
            "setup_future_usage": "off_session", "return_url": return_url,
            "description": "Card check at sign-up, credited to the balance"}
        with _stripe_errors("charging the card"):
            try:
                intent = self._client.v1.payment_intents.create(params=params,
                                                                options={"idempotency_key": idempotency_key})
            except stripe.CardError as exc:
                error = exc.error
                intent = getattr(error, "payment_intent", None) if error else None
                code = (getattr(error, "decline_code", None) or getattr(error, "code", None)) if error else None
                return Payment(intent.id if intent else idempotency_key, "declined", _decline(code))
        return self._payment(intent)

    def confirm_challenge(self, payment_id: str, code: str) -> Payment:
        # The cardholder answered on Stripe's page: the intent now says how it went.
        with _stripe_errors("reading the payment"):
            return self._payment(self._client.v1.payment_intents.retrieve(payment_id))

    def refund(self, payment_id: str, idempotency_key: str) -> None:
        with _stripe_errors("refunding the test charge"):
            self._client.v1.refunds.create(params={"payment_intent": payment_id},
                                           options={"idempotency_key": idempotency_key})

    @staticmethod
    def _payment(intent: Any) -> Payment:
        if intent.status in ("succeeded", "requires_capture"):
            return Payment(intent.id, "succeeded")
        if intent.status in ("requires_action", "processing"):
            action = getattr(intent, "next_action", None)
            redirect = getattr(action, "redirect_to_url", None) if action else None
            return Payment(intent.id, "requires_challenge", challenge_url=getattr(redirect, "url", None))
        error = getattr(intent, "last_payment_error", None)
        code = (getattr(error, "decline_code", None) or getattr(error, "code", None)) if error else None
        return Payment(intent.id, "declined", _decline(code))
