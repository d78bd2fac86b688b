"""Which Keycloak events were processed, and how far the reconciler has read each realm."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.db import Base, UtcDateTime


class ProcessedEvent(Base):
    """One Keycloak event, processed exactly once: the primary key is Keycloak's event id."""

    __tablename__ = "processed_events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    realm: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    occurred_at_ms: Mapped[int] = mapped_column(BigInteger)
    received_via: Mapped[str] = mapped_column(String(8))
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReconcileCheckpoint(Base):
    """The newest stored event time (ms) the reconciler has seen per realm."""

    __tablename__ = "reconcile_checkpoints"

    realm: Mapped[str] = mapped_column(String(255), primary_key=True)
    last_event_ms: Mapped[int] = mapped_column(BigInteger)
