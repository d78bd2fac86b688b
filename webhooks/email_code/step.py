"""The email-code onboarding step: a code in AAA-AAA form confirms the address (instead of a link)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from sqlalchemy.orm import Session

from webhooks.email_code.service import EmailCodeService
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.onboarding.plugin import StepContext, StepPlugin
from webhooks.onboarding.service import OnboardingService
from webhooks.step_errors import StepRefused


class EmailCodeStepPlugin(StepPlugin):
    kind: ClassVar[str] = "email_code"
    template: ClassVar[str] = "onboarding/email_code.html"

    def __init__(self, onboarding: OnboardingService, gateway: KeycloakGateway, codes: EmailCodeService) -> None:
        self._onboarding, self._gateway, self._codes = onboarding, gateway, codes

    def view(self, ctx: StepContext) -> dict:
        email = self._gateway.get_user(ctx.flow.realm, ctx.flow.user_id).get("email", "")
        return {"state": self._codes.state(ctx.step, ctx.flow.realm, ctx.flow.user_id), "email": email}

    def submit(self, ctx: StepContext, action: str, form: Mapping[str, str], ip: str) -> None:
        settings = ctx.step
        if action == "send":
            email = self._gateway.get_user(ctx.flow.realm, ctx.flow.user_id).get("email", "")
            self._codes.send(settings, ctx.flow.realm, ctx.flow.user_id, email,
                             lambda code: (ctx.t("email.subject"), ctx.t("email.body", code=code,
                                                                         minutes=settings.code_lifetime // 60)))
        elif action == "verify":
            confirmed = self._codes.verify(ctx.flow.realm, ctx.flow.user_id, form.get("code", ""))
            current = self._gateway.get_user(ctx.flow.realm, ctx.flow.user_id).get("email", "")
            if current.casefold() != confirmed.casefold():
                # The address changed after the code went out: the code proves the old one only.
                raise StepRefused("email.address_changed", email=current)
            self._gateway.update_user(ctx.flow.realm, ctx.flow.user_id, {"emailVerified": True})
            self._onboarding.complete_step(ctx.flow, self.kind)
        else:
            raise StepRefused("step.unknown_action")

    def forget(self, session: Session, realm: str, user_id: str) -> None:
        self._codes.forget(session, realm, user_id)
