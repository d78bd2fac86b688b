"""The phone onboarding step: a number, then a code by SMS or robot call, or the user's call to the
platform keying in the digits the page shows (inbound_call); the verified number on the user."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import phonenumbers
from sqlalchemy.orm import Session

from contract.names import PHONE_NUMBER, PHONE_NUMBER_VERIFIED
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.onboarding.plugin import StepContext, StepPlugin
from webhooks.onboarding.service import OnboardingService
from webhooks.phone.service import PhoneService
from webhooks.step_errors import StepRefused


class PhoneStepPlugin(StepPlugin):
    kind: ClassVar[str] = "phone"
    template: ClassVar[str] = "onboarding/phone.html"

    def __init__(self, onboarding: OnboardingService, gateway: KeycloakGateway, phones: PhoneService) -> None:
        self._onboarding, self._gateway, self._phones = onboarding, gateway, phones

    def view(self, ctx: StepContext) -> dict:
        call_number = ctx.step.call_number
        if call_number:  # shown as people write it: +7 495 123-45-67
            call_number = phonenumbers.format_number(phonenumbers.parse(call_number, None),
                                                     phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return {"state": self._phones.state(ctx.step, ctx.flow.realm, ctx.flow.user_id), "policy": ctx.step,
                "call_number": call_number}

    def submit(self, ctx: StepContext, action: str, form: Mapping[str, str], ip: str) -> None:
        settings = ctx.step
        inbound = settings.channel == "inbound_call"
        if action == "send" and inbound:
            self._phones.start_inbound(settings, ctx.flow.realm, ctx.flow.user_id, form.get("phone", ""), ip,
                                       default_region=self._country(ctx))
        elif action == "send":
            self._phones.send_code(settings, ctx.flow.realm, ctx.flow.user_id, form.get("phone", ""), ip,
                                   lambda code: ctx.t(f"phone.message_{settings.channel}", code=" ".join(code)
                                                      if settings.channel == "voice" else code),
                                   default_region=self._country(ctx))
        elif action == "verify":
            e164 = self._phones.confirm_inbound(settings, ctx.flow.realm, ctx.flow.user_id) if inbound else \
                self._phones.verify(settings, ctx.flow.realm, ctx.flow.user_id, form.get("code", ""))
            self._gateway.update_user(ctx.flow.realm, ctx.flow.user_id, {"attributes": {
                PHONE_NUMBER: [e164], PHONE_NUMBER_VERIFIED: ["true"]}})
            self._onboarding.complete_step(ctx.flow, self.kind, {"number": e164})
        else:
            raise StepRefused("step.unknown_action")

    def may_reopen(self, ctx: StepContext) -> bool:
        """A verified number changes only in an onboarding session begun after it was verified, i.e.
        after signing in again (every sign-in makes a new hand-over and so a new flow)."""
        state = self._phones.state(ctx.step, ctx.flow.realm, ctx.flow.user_id)
        return state.verified_at is None or ctx.flow.issued_at > state.verified_at

    def forget(self, session: Session, realm: str, user_id: str) -> None:
        # The daily send counters stay: anti-pumping limits must outlive a deleted account.
        self._phones.forget(session, realm, user_id)

    def _country(self, ctx: StepContext) -> str | None:
        """The country the user chose in an earlier step, if any: numbers may then be typed without +."""
        for completion in self._onboarding.completed(ctx.flow.realm, ctx.flow.user_id).values():
            if (completion.data or {}).get("country"):
                return completion.data["country"]
        return None
