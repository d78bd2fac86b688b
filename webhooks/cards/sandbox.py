"""The built-in sandbox gateway (dev and tests): behaves like a card processor with documented test
cards, 3-D Secure codes sent "from the bank" by the SMS interface, declines, idempotent charges. Its
state is in the database, so every service worker sees the same payments. No real money moves.

Test cards (any future expiry, any CVC):
  4242 4242 4242 4242   succeeds (Visa, credit)        5555 5555 5555 4444  succeeds (Mastercard, debit)
  4000 0000 0000 3220   asks for 3-D Secure             4000 0000 0000 9995  declined: insufficient funds
  4000 0000 0000 9979   declined: stolen card           4000 0000 0000 0069  declined: expired card
  2221 0000 0000 0009   a virtual card (BIN 222100)     4000 1800 0000 0002  a prepaid card (BIN 400018)
Any other number that passes the Luhn check succeeds."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from webhooks.cards.bin_ranges import funding_by_bin
from webhooks.cards.card_input import CardInput
from webhooks.cards.gateway import CardToken, Funding, Payment
from webhooks.code_store import CodeStore
from webhooks.codes import numeric_code
from webhooks.db import Base, UtcDateTime
from webhooks.phone.sms import SmsProvider

OUTCOMES = {"4000000000003220": "challenge", "4000000000009995": "insufficient_funds",
            "4000000000009979": "stolen_card", "4000000000000069": "expired_card"}
CHALLENGE_LIFETIME = 300
CHALLENGE_ATTEMPTS = 3


class SandboxCard(Base):
    """A tokenized test card: what a processor keeps (and how the sandbox will answer for it)."""

    __tablename__ = "sandbox_cards"

    token: Mapped[str] = mapped_column(String(40), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(32))
    funding: Mapped[str] = mapped_column(String(16))


class SandboxPayment(Base):
    __tablename__ = "sandbox_payments"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    card_token: Mapped[str] = mapped_column(String(40))
    amount_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(24))
    decline_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    refunded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


def _brand(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"51", "52", "53", "54", "55"} or "2221" <= number[:4] <= "2720":
        return "mastercard"
    if number.startswith("22"):
        return "mir"
    return "unknown"


class SandboxGateway:
    def __init__(self, sessions: sessionmaker, sms: SmsProvider, challenges: CodeStore, secret: bytes,
                 message: Callable[[str], str], clock: Callable[[], datetime] | None = None) -> None:
        self._sessions, self._sms, self._challenges, self._secret = sessions, sms, challenges, secret
        self._message = message
        self._now = clock or (lambda: datetime.now(UTC))

    def tokenize(self, card: CardInput) -> CardToken:
        token = f"card_{uuid.uuid4().hex}"
        funding: Funding = funding_by_bin(card.bin) or ("debit" if card.bin == "555555" else "credit")
        with self._sessions.begin() as session:
            session.add(SandboxCard(token=token, outcome=OUTCOMES.get(card.number, "success"), funding=funding))
        fingerprint = hmac.new(self._secret, card.number.encode(), hashlib.sha256).hexdigest()[:32]
        return CardToken(token, _brand(card.number), card.last4, card.exp_month, card.exp_year, fingerprint, funding)

    def charge(self, card: CardToken, amount_minor: int, currency: str, idempotency_key: str,
               notify_to: str, return_url: str) -> Payment:
        payment_id = f"pay_{uuid.uuid4().hex}"
        try:
            with self._sessions.begin() as session:
                outcome = session.get(SandboxCard, card.token).outcome
                status = {"success": "succeeded", "challenge": "requires_challenge"}.get(outcome, "declined")
                session.add(SandboxPayment(id=payment_id, idempotency_key=idempotency_key, card_token=card.token,
                                           amount_minor=amount_minor, currency=currency, status=status,
                                           decline_code=None if status != "declined" else outcome,
                                           created_at=self._now()))
        except IntegrityError:
            return self._by_key(idempotency_key)  # the same request again: the same payment, no new charge
        if status == "requires_challenge":
            code = numeric_code(6)
            with self._sessions.begin() as session:
                self._challenges.issue(session, record_id=str(uuid.uuid4()), realm="sandbox", user_id=payment_id,
                                       target=payment_id, code=code, channel="sms", lifetime=CHALLENGE_LIFETIME,
                                       attempts=CHALLENGE_ATTEMPTS, now=self._now())
            self._sms.send(notify_to, self._message(code), "sms")
        return self._by_key(idempotency_key)

    def confirm_challenge(self, payment_id: str, code: str) -> Payment:
        with self._sessions.begin() as session:
            payment = session.get(SandboxPayment, payment_id)
            if payment is None or payment.status != "requires_challenge":
                return self._payment(payment) if payment else Payment(payment_id, "declined", "card_declined")
            record = self._challenges.latest(session, "sandbox", payment_id)
            check = self._challenges.try_code(session, record, (code or "").strip(), self._now())
            if check.refused is None:
                payment.status = "succeeded"
            elif check.refused != "wrong_code":  # attempts spent or expired: the bank declines
                payment.status, payment.decline_code = "declined", "challenge_failed"
            else:
                return Payment(payment_id, "requires_challenge", "challenge_wrong")
            return self._payment(payment)

    def refund(self, payment_id: str, idempotency_key: str) -> None:
        with self._sessions.begin() as session:
            payment = session.get(SandboxPayment, payment_id)
            if payment is not None and payment.refunded_at is None and payment.status == "succeeded":
                payment.refunded_at = self._now()

    def _by_key(self, idempotency_key: str) -> Payment:
        with self._sessions() as session:
            return self._payment(session.scalar(select(SandboxPayment).where(
                SandboxPayment.idempotency_key == idempotency_key)))

    @staticmethod
    def _payment(row: SandboxPayment) -> Payment:
        return Payment(row.id, row.status, row.decline_code)  # type: ignore[arg-type]
