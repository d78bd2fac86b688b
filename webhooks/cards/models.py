"""Card bindings (the multi-step flow: card form, maybe a 3-D Secure code) and the bound card. Only
the gateway's token, brand, last four digits, expiry and a fingerprint are kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.db import Base, UtcDateTime


class CardBinding(Base):
    """One submission of the card form (its attempt id makes a double submit the same binding)."""

    __tablename__ = "card_bindings"
    __table_args__ = (UniqueConstraint("realm", "user_id", "attempt_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    realm: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    attempt_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # pending | challenge | succeeded | declined
    decline_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    payment_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    challenge_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)  # the bank's page (Stripe)
    card_token: Mapped[str | None] = mapped_column(String(255), nullable=True)
    customer: Mapped[str | None] = mapped_column(String(255), nullable=True)
    brand: Mapped[str | None] = mapped_column(String(16), nullable=True)
    last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    exp_month: Mapped[int | None] = mapped_column(Integer, nullable=True)
    exp_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    amount_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BoundCard(Base):
    """The user's card, as the billing system reads it."""

    __tablename__ = "bound_cards"

    realm: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    gateway: Mapped[str] = mapped_column(String(16))
    card_token: Mapped[str] = mapped_column(String(255))
    customer: Mapped[str | None] = mapped_column(String(255), nullable=True)  # the gateway's (Stripe: cus_...)
    brand: Mapped[str] = mapped_column(String(16))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int] = mapped_column(Integer)
    exp_year: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    bound_at: Mapped[datetime] = mapped_column(UtcDateTime)
