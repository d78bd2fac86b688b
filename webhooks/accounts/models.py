"""What the service keeps about accounts: the number it reserved before asking Keycloak for the
organization, so a retried sign-up finds the account it started instead of opening a second one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.db import Base, UtcDateTime


class AccountRow(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("realm", "account_number"), UniqueConstraint("realm", "origin"))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    realm: Mapped[str] = mapped_column(String(255))
    account_number: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    origin: Mapped[str] = mapped_column(String(100))  # signup:<user id>: the account a sign-up opened
    org_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # set once Keycloak has it
    state: Mapped[str] = mapped_column(String(16))  # opening | open
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
