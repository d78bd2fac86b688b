"""The card onboarding step: number, expiry and CVC; 3-D Secure when the bank asks (a code, or the
bank's own page); the test charge credited to the balance; then, where the tenant offers it, the
optional auto top-up before "Get started" (seed 004). Accounts of a type the tenant exempts skip it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from babel.numbers import format_currency
from sqlalchemy.orm import Session

from webhooks.balance.auto_top_up import AutoTopUps, page_fields, read_choice
from webhooks.cards.account_link import bank_code_address, mark_card_bound
from webhooks.cards.card_input import read_card
from webhooks.cards.service import CardService
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.onboarding.models import StepCompletion
from webhooks.onboarding.plugin import StepContext, StepPlugin
from webhooks.onboarding.service import OnboardingService
from webhooks.step_errors import StepRefused


class CardStepPlugin(StepPlugin):
    kind: ClassVar[str] = "card"
    template: ClassVar[str] = "onboarding/card.html"

    def __init__(self, onboarding: OnboardingService, gateway: KeycloakGateway, cards: CardService,
                 top_ups: AutoTopUps, public_url: str) -> None:
        self._onboarding, self._gateway, self._cards, self._top_ups = onboarding, gateway, cards, top_ups
        self._public_url = public_url

    def view(self, ctx: StepContext) -> dict:
        settings = ctx.step
        charge = format_currency(settings.test_charge, settings.currency, locale=ctx.locale)
        return {"state": self._cards.state(ctx.flow.realm, ctx.flow.user_id), "attempt": self._cards.new_attempt(),
                "charge": charge if settings.test_charge else None, "refunded": settings.refund_test_charge,
                **page_fields(settings)}

    def submit(self, ctx: StepContext, action: str, form: Mapping[str, str], ip: str) -> None:
        flow, settings = ctx.flow, ctx.step
        if action == "bind":
            card = read_card(form, self._cards.now())
            notify_to = bank_code_address(self._gateway, flow.realm, flow.user_id)
            if self._cards.bind(settings, flow.realm, flow.user_id, form.get("attempt", ""), card, notify_to,
                                f"{self._public_url}/onboarding/{flow.id}"):
                self._bound(ctx)
        elif action == "confirm":
            self._cards.confirm(settings, flow.realm, flow.user_id, form.get("code", ""))
            self._bound(ctx)
        elif action == "finish":
            if self._cards.bound(flow.realm, flow.user_id) is None:
                raise StepRefused("card.no_card_yet")
            if settings.auto_top_up.offered:
                self._top_ups.save(flow.realm, flow.user_id, read_choice(form, settings))
            self._onboarding.complete_step(flow, self.kind)
        elif action == "other_card":
            self._cards.abandon_challenge(flow.realm, flow.user_id)
        else:
            raise StepRefused("step.unknown_action")

    def is_done(self, settings: Any, realm: str, user_id: str, completions: Mapping[str, StepCompletion]) -> bool:
        if self.kind in completions:
            return True
        account_type = next((c.data["account_type"] for c in completions.values()
                             if (c.data or {}).get("account_type")), None)
        return account_type is not None and account_type not in settings.account_types

    def forget(self, session: Session, realm: str, user_id: str) -> None:
        self._cards.forget(session, realm, user_id)
        self._top_ups.forget(session, realm, user_id)

    def _bound(self, ctx: StepContext) -> None:
        """The card is bound; the step ends here unless the auto top-up is offered, whose page ends it
        with "Get started"."""
        mark_card_bound(self._gateway, ctx.flow.realm, ctx.flow.user_id)
        if not ctx.step.auto_top_up.offered:
            self._onboarding.complete_step(ctx.flow, self.kind)
