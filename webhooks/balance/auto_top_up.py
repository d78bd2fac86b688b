"""The user's auto top-up choice (seed 004): when the balance falls to the threshold, the provider's
billing charges the bound card the amount. We keep and validate the choice within the tenant's
bounds; billing reads it (and the card's gateway token) through the JSON API. No Flask, no Keycloak."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import BigInteger, Boolean, String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from contract.onboarding import CardStep
from webhooks.balance.money import to_minor, to_whole
from webhooks.cards.models import BoundCard
from webhooks.db import Base, UtcDateTime
from webhooks.step_errors import StepRefused


class AutoTopUpRow(Base):
    __tablename__ = "auto_top_ups"

    realm: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    threshold_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class AutoTopUpChoice:
    """Whole units of `currency`."""

    enabled: bool
    amount: int
    threshold: int
    currency: str


def _whole(raw: object, key: str, low: int, high: int, currency: str) -> int:
    """A whole number within [low, high], or StepRefused naming the field and the range."""
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "") if raw is not None else ""
    if isinstance(raw, bool) or not (isinstance(raw, int) or text.isdigit()) or not low <= int(text) <= high:
        raise StepRefused(f"top_up.{key}_range", field=key, low=low, high=high, currency=currency)
    return int(text)


def read_choice(values: Mapping[str, object], settings: CardStep | None) -> AutoTopUpChoice:
    """The choice from a form or a JSON body (`enabled`, `amount`, `threshold`) under the tenant's card
    settings (None: the tenant has no card step); off needs no numbers. StepRefused (field and range in
    its message) when out of bounds or not offered."""
    if settings is None or not settings.auto_top_up.offered:
        raise StepRefused("top_up.not_offered")
    bounds, currency = settings.auto_top_up, settings.currency
    enabled = values.get("enabled")
    enabled = enabled is True or str(enabled).lower() in {"on", "true", "1", "yes"}
    if not enabled:
        return AutoTopUpChoice(False, 0, 0, currency)
    amount = _whole(values.get("amount"), "amount", bounds.min_amount, bounds.max_amount, currency)
    threshold = _whole(values.get("threshold"), "threshold", 0, bounds.max_threshold, currency)
    return AutoTopUpChoice(True, amount, threshold, currency)


def page_fields(settings: CardStep | None) -> dict:
    """What a page's auto top-up fields need (templates/portal/top_up_fieldset.html): the bounds, or
    None when not offered, and the numbers its labels and hints quote."""
    if settings is None or not settings.auto_top_up.offered:
        return {"top_up": None, "top_up_range": {}}
    bounds = settings.auto_top_up
    return {"top_up": bounds, "top_up_range": {"low": bounds.min_amount, "high": bounds.max_amount,
                                               "max_threshold": bounds.max_threshold, "currency": settings.currency}}


class AutoTopUps:
    def __init__(self, sessions: sessionmaker, clock: Callable[[], datetime] | None = None) -> None:
        self._sessions = sessions
        self._now = clock or (lambda: datetime.now(UTC))

    def get(self, realm: str, user_id: str) -> AutoTopUpRow | None:
        with self._sessions() as session:
            return session.get(AutoTopUpRow, (realm, user_id))

    def choice(self, realm: str, user_id: str) -> AutoTopUpChoice | None:
        """The saved choice in whole units, as the user typed it."""
        row = self.get(realm, user_id)
        if row is None:
            return None
        return AutoTopUpChoice(row.enabled, to_whole(row.amount_minor, row.currency),
                               to_whole(row.threshold_minor, row.currency), row.currency)

    def save(self, realm: str, user_id: str, choice: AutoTopUpChoice) -> None:
        """Keep the choice; turning it on needs a bound card (billing has nothing to charge otherwise)."""
        with self._sessions.begin() as session:
            if choice.enabled and session.get(BoundCard, (realm, user_id)) is None:
                raise StepRefused("top_up.no_card")
            session.merge(AutoTopUpRow(realm=realm, user_id=user_id, enabled=choice.enabled,
                                       amount_minor=to_minor(choice.amount, choice.currency),
                                       threshold_minor=to_minor(choice.threshold, choice.currency),
                                       currency=choice.currency, updated_at=self._now()))

    @staticmethod
    def forget(session: Session, realm: str, user_id: str) -> None:
        session.execute(delete(AutoTopUpRow).where(AutoTopUpRow.realm == realm, AutoTopUpRow.user_id == user_id))
