"""Onboarding flows (one per hand-over) and the steps each user has completed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.db import Base, UtcDateTime


class OnboardingFlow(Base):
    """A stored multi-step flow: who, where it returns, until when it is valid."""

    __tablename__ = "onboarding_flows"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    realm: Mapped[str] = mapped_column(String(255), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    handover_id: Mapped[str] = mapped_column(String(64), unique=True)
    return_url: Mapped[str] = mapped_column(Text)
    return_id: Mapped[str] = mapped_column(String(64))
    issuer: Mapped[str] = mapped_column(String(512))
    locale: Mapped[str] = mapped_column(String(8))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(16))  # active | completed
    # SHA-256 of a secret kept in the cookie of the browser that opened the hand-over first: the flow
    # (and the user's data it shows) belongs to that browser only.
    browser_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class StepCompletion(Base):
    """A step a user finished; the wizard resumes at the first step without one."""

    __tablename__ = "onboarding_steps"
    __table_args__ = (UniqueConstraint("realm", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    realm: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    completed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
