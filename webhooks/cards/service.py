"""Binding a card under a tenant's card settings: refuse virtual or prepaid cards where the tenant
says so, charge the test amount (3-D Secure when the bank asks), credit it to the balance (and refund
it where the tenant says so), keep the bound card. A double submit, a reload or a retried request
never charges twice: each form carries an attempt id that names one binding and one gateway
idempotency key. No Flask, no Keycloak."""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from contract.onboarding import CardStep
from webhooks.balance import ledger
from webhooks.balance.money import to_minor
from webhooks.cards.card_input import CardInput
from webhooks.cards.gateway import Payment, PaymentGateway
from webhooks.cards.models import BoundCard, CardBinding
from webhooks.step_errors import StepRefused

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CardState:
    """What the card page shows: the card form, a 3-D Secure code form, or the bound card."""

    challenge_last4: str | None = None
    bound: BoundCard | None = None
    challenge_url: str | None = None  # the bank's own page, when the gateway has one (Stripe)


class CardService:
    def __init__(self, sessions: sessionmaker, gateway: PaymentGateway, gateway_name: str,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._sessions, self._gateway, self._gateway_name = sessions, gateway, gateway_name
        self._now = clock or (lambda: datetime.now(UTC))

    def now(self) -> datetime:
        """The service's clock (card expiry is checked against it)."""
        return self._now()

    @staticmethod
    def new_attempt() -> str:
        """The attempt id of one rendering of the card form."""
        return secrets.token_urlsafe(18)

    def state(self, realm: str, user_id: str) -> CardState:
        with self._sessions() as session:
            bound = session.get(BoundCard, (realm, user_id))
            pending = self._latest(session, realm, user_id)
        if pending is not None and pending.state == "challenge":
            return CardState(pending.last4, bound, pending.challenge_url)
        return CardState(None, bound)

    def bound(self, realm: str, user_id: str) -> BoundCard | None:
        """The user's bound card (what billing reads), if any."""
        with self._sessions() as session:
            return session.get(BoundCard, (realm, user_id))

    def bound_page(self, realm: str, after: str, limit: int) -> list[BoundCard]:
        """The realm's bound cards in user id order, the first `limit` after `after` (a cursor)."""
        with self._sessions() as session:
            return list(session.scalars(select(BoundCard).where(BoundCard.realm == realm, BoundCard.user_id > after)
                                        .order_by(BoundCard.user_id).limit(limit)))

    def bind(self, settings: CardStep, realm: str, user_id: str, attempt_id: str, card: CardInput,
             notify_to: str, return_url: str) -> bool:
        """Bind the card; True when bound, False when the bank asks for 3-D Secure (a code sent to
        `notify_to`, or its own page that returns to `return_url`); StepRefused (naming why) when
        refused or declined."""
        binding_id = str(uuid.uuid4())
        amount = to_minor(settings.test_charge, settings.currency)
        try:
            with self._sessions.begin() as session:
                session.add(CardBinding(id=binding_id, realm=realm, user_id=user_id, attempt_id=attempt_id,
                                        state="pending", amount_minor=amount, currency=settings.currency,
                                        created_at=self._now()))
        except IntegrityError:
            return self._repeat(realm, user_id, attempt_id)  # a double submit: no second charge
        try:
            return self._charge(settings, binding_id, f"{realm}:{user_id}:{attempt_id}", card, amount,
                                notify_to, return_url)
        except Exception:
            # The gateway failed or refused the details before deciding: forget this try, so sending
            # the same form again retries with the same idempotency key (the gateway still charges at
            # most once). A decided try (declined, refused as virtual) stays as it is.
            with self._sessions.begin() as session:
                session.execute(delete(CardBinding).where(CardBinding.id == binding_id,
                                                          CardBinding.state == "pending"))
            raise

    def _charge(self, settings: CardStep, binding_id: str, key: str, card: CardInput, amount: int,
                notify_to: str, return_url: str) -> bool:
        token = self._gateway.tokenize(card)
        self._update(binding_id, card_token=token.token, brand=token.brand, last4=token.last4,
                     exp_month=token.exp_month, exp_year=token.exp_year, fingerprint=token.fingerprint,
                     customer=token.customer)
        if token.funding == "virtual" and not settings.allow_virtual_cards:
            self._update(binding_id, state="declined", decline_code="virtual_card")
            raise StepRefused("card.virtual_refused")
        if token.funding == "prepaid" and not settings.allow_prepaid_cards:
            self._update(binding_id, state="declined", decline_code="prepaid_card")
            raise StepRefused("card.prepaid_refused")
        if amount == 0:
            self._bound(settings, binding_id, None)
            return True
        payment = self._gateway.charge(token, amount, settings.currency, key, notify_to, return_url)
        return self._settle(settings, binding_id, payment)

    def confirm(self, settings: CardStep, realm: str, user_id: str, code: str) -> None:
        """The 3-D Secure code from the bank; StepRefused if wrong (retry) or the bank declined."""
        with self._sessions() as session:
            binding = self._latest(session, realm, user_id)
        if binding is None or binding.state != "challenge":
            raise StepRefused("card.no_challenge")
        payment = self._gateway.confirm_challenge(binding.payment_id, code)
        if payment.status == "requires_challenge":
            raise StepRefused("card.challenge_wrong")
        self._settle(settings, binding.id, payment)

    def abandon_challenge(self, realm: str, user_id: str) -> None:
        """Use another card instead of answering the bank."""
        with self._sessions.begin() as session:
            binding = self._latest(session, realm, user_id)
            if binding is not None and binding.state == "challenge":
                binding.state, binding.decline_code = "declined", "abandoned"

    def forget(self, session: Session, realm: str, user_id: str) -> None:
        """Forget a deleted user's bindings and bound card (the ledger stays: it is the account's history)."""
        for table in (CardBinding, BoundCard):
            session.execute(delete(table).where(table.realm == realm, table.user_id == user_id))

    def _settle(self, settings: CardStep, binding_id: str, payment: Payment) -> bool:
        if payment.status == "succeeded":
            self._bound(settings, binding_id, payment.id)
            return True
        if payment.status == "requires_challenge":
            self._update(binding_id, state="challenge", payment_id=payment.id, challenge_url=payment.challenge_url)
            return False
        self._update(binding_id, state="declined", payment_id=payment.id, decline_code=payment.decline_code)
        raise StepRefused(f"card.declined_{payment.decline_code or 'card_declined'}")

    def _bound(self, settings: CardStep, binding_id: str, payment_id: str | None) -> None:
        now = self._now()
        with self._sessions.begin() as session:
            binding = session.get(CardBinding, binding_id)
            binding.state, binding.payment_id = "succeeded", payment_id
            bound = session.get(BoundCard, (binding.realm, binding.user_id)) or BoundCard(
                realm=binding.realm, user_id=binding.user_id)
            bound.gateway, bound.card_token, bound.brand, bound.last4 = (
                self._gateway_name, binding.card_token, binding.brand, binding.last4)
            bound.exp_month, bound.exp_year, bound.fingerprint, bound.bound_at = (
                binding.exp_month, binding.exp_year, binding.fingerprint, now)
            bound.customer = binding.customer
            session.merge(bound)
            if payment_id is not None:
                ledger.post(session, realm=binding.realm, user_id=binding.user_id, kind="test_charge",
                            amount_minor=binding.amount_minor, currency=binding.currency,
                            reference=f"test-charge:{payment_id}", now=now)
        if payment_id is not None and settings.refund_test_charge:
            self._gateway.refund(payment_id, f"refund:{payment_id}")
            with self._sessions.begin() as session:
                ledger.post(session, realm=binding.realm, user_id=binding.user_id, kind="refund",
                            amount_minor=-binding.amount_minor, currency=binding.currency,
                            reference=f"refund:{payment_id}", now=now)
        log.info("card bound", extra={"realm": binding.realm, "brand": binding.brand, "gateway": self._gateway_name})

    def _repeat(self, realm: str, user_id: str, attempt_id: str) -> bool:
        with self._sessions() as session:
            binding = session.scalar(select(CardBinding).where(
                CardBinding.realm == realm, CardBinding.user_id == user_id, CardBinding.attempt_id == attempt_id))
        if binding.state == "succeeded":
            return True
        if binding.state == "challenge":
            return False
        if binding.state == "declined":
            raise StepRefused(f"card.declined_{binding.decline_code or 'card_declined'}")
        raise StepRefused("card.in_progress")

    def _update(self, binding_id: str, **values: object) -> None:
        with self._sessions.begin() as session:
            binding = session.get(CardBinding, binding_id)
            for key, value in values.items():
                setattr(binding, key, value)

    @staticmethod
    def _latest(session: Session, realm: str, user_id: str) -> CardBinding | None:
        return session.scalar(select(CardBinding).where(CardBinding.realm == realm, CardBinding.user_id == user_id)
                              .order_by(CardBinding.created_at.desc()).limit(1))


