"""The account-details onboarding step: country, personal or business account, company and tax id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from webhooks.account_details.service import check, country_choices
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.onboarding.plugin import StepContext, StepPlugin
from webhooks.onboarding.service import OnboardingService


class AccountDetailsStepPlugin(StepPlugin):
    kind: ClassVar[str] = "account_details"
    template: ClassVar[str] = "onboarding/account_details.html"

    def __init__(self, onboarding: OnboardingService, gateway: KeycloakGateway) -> None:
        self._onboarding, self._gateway = onboarding, gateway

    def view(self, ctx: StepContext) -> dict:
        return {"countries": country_choices(ctx.locale, ctx.step.countries),
                "business_allowed": ctx.step.business_accounts}

    def submit(self, ctx: StepContext, action: str, form: Mapping[str, str], ip: str) -> None:
        details = check(form, ctx.step.countries, ctx.step.business_accounts, ctx.locale)
        self._gateway.update_user(ctx.flow.realm, ctx.flow.user_id, {"attributes": details.as_attributes()})
        self._onboarding.complete_step(ctx.flow, self.kind, {"country": details.country,
                                                             "account_type": details.account_type})
