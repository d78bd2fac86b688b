"""Ledger entries (test-charge credits, refunds, bonuses) and the balance as their sum. Each entry has
a reference unique in its realm, so crediting the same thing twice (a retried request, a second
worker) adds it once. No Flask, no Keycloak."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from webhooks.db import Base, UtcDateTime


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (UniqueConstraint("realm", "reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # test_charge | refund | signup_bonus
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # signed, in the currency's minor units
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


def post(session: Session, *, realm: str, user_id: str, kind: str, amount_minor: int, currency: str,
         reference: str, now: datetime) -> bool:
    """Add an entry unless one with this reference exists; True if it was added now."""
    try:
        with session.begin_nested():
            session.add(LedgerEntry(realm=realm, user_id=user_id, kind=kind, amount_minor=amount_minor,
                                    currency=currency, reference=reference, created_at=now))
    except IntegrityError:
        return False
    return True


def balance(session: Session, realm: str, user_id: str) -> dict[str, int]:
    """The sum of the user's entries per currency (minor units)."""
    rows = session.execute(select(LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
                           .where(LedgerEntry.realm == realm, LedgerEntry.user_id == user_id)
                           .group_by(LedgerEntry.currency))
    return {currency: int(total) for currency, total in rows}


def entries(session: Session, realm: str, user_id: str, limit: int = 100) -> list[LedgerEntry]:
    """The user's newest entries first."""
    return list(session.scalars(select(LedgerEntry).where(LedgerEntry.realm == realm, LedgerEntry.user_id == user_id)
                                .order_by(LedgerEntry.id.desc()).limit(limit)))
