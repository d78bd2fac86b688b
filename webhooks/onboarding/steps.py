"""Each onboarding step: what its page shows and what its forms do. Flask-free; the views pass in
the submitted form and the client's IP."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from contract.names import PHONE_NUMBER, PHONE_NUMBER_VERIFIED
from webhooks.account_details.service import check as check_account_details
from webhooks.account_details.service import country_choices
from webhooks.email_code.service import EmailCodeOptions, EmailCodeService
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.onboarding.models import OnboardingFlow
from webhooks.onboarding.service import OnboardingService
from webhooks.phone.phone_policy import PhonePolicy
from webhooks.phone.service import PhoneService
from webhooks.step_errors import StepRefused

Translate = Callable[..., str]


@dataclass
class StepContext:
    flow: OnboardingFlow
    step: dict
    t: Translate
    locale: str  # the page's language: the sign-in's, or the one the user picked


class AccountDetailsStep:
    kind = "account_details"

    def __init__(self, onboarding: OnboardingService, gateway: KeycloakGateway) -> None:
        self._onboarding, self._gateway = onboarding, gateway

    def view(self, ctx: StepContext) -> dict:
        return {"countries": country_choices(ctx.locale, ctx.step.get("countries") or ()),
                "business_allowed": ctx.step.get("business_accounts", True)}

    def submit(self, ctx: StepContext, action: str, form: Mapping[str, str], ip: str) -> None:
        details = check_account_details(form, ctx.step.get("countries") or (), ctx.step.get("business_accounts", True),
                                        ctx.locale)
        self._gateway.update_user(ctx.flow.realm, ctx.flow.user_id, {"attributes": details.as_attributes()})
        self._onboarding.complete_step(ctx.flow, self.kind, {"country": details.country})


class PhoneStep:
    kind = "phone"

    def __init__(self, onboarding: OnboardingService, gateway: KeycloakGateway, phones: PhoneService) -> None:
        self._onboarding, self._gateway, self._phones = onboarding, gateway, phones

    def view(self, ctx: StepContext) -> dict:
        policy = PhonePolicy.from_step(ctx.step)
        return {"state": self._phones.state(policy, ctx.flow.realm, ctx.flow.user_id), "policy": policy}

    def submit(self, ctx: StepContext, action: str, form: Mapping[str, str], ip: str) -> None:
        policy = PhonePolicy.from_step(ctx.step)
        if action == "send":
            country = self._country(ctx)
            self._phones.send_code(policy, ctx.flow.realm, ctx.flow.user_id, form.get("phone", ""), ip,
                                   lambda code: ctx.t(f"phone.message_{policy.channel}", code=" ".join(code)
                                                      if policy.channel == "voice" else code),
                                   default_region=country)
        elif action == "verify":
            e164 = self._phones.verify(policy, ctx.flow.realm, ctx.flow.user_id, form.get("code", ""))
            self._gateway.update_user(ctx.flow.realm, ctx.flow.user_id, {"attributes": {
                PHONE_NUMBER: [e164], PHONE_NUMBER_VERIFIED: ["true"]}})
            self._onboarding.complete_step(ctx.flow, self.kind, {"number": e164})
        else:
            raise StepRefused("step.unknown_action")

    def may_change_verified(self, ctx: StepContext) -> bool:
        """A verified number changes only in an onboarding session begun after it was verified, i.e.
        after signing in again (every sign-in makes a new hand-over and so a new flow)."""
        state = self._phones.state(PhonePolicy.from_step(ctx.step), ctx.flow.realm, ctx.flow.user_id)
        return state.verified_at is None or ctx.flow.issued_at > state.verified_at

    def _country(self, ctx: StepContext) -> str | None:
        done = self._onboarding.completed(ctx.flow.realm, ctx.flow.user_id).get("account_details")
        return (done.data or {}).get("country") if done else None


class EmailCodeStep:
    kind = "email_code"

    def __init__(self, onboarding: OnboardingService, gateway: KeycloakGateway, codes: EmailCodeService) -> None:
        self._onboarding, self._gateway, self._codes = onboarding, gateway, codes

    def view(self, ctx: StepContext) -> dict:
        options = EmailCodeOptions.from_step(ctx.step)
        email = self._gateway.get_user(ctx.flow.realm, ctx.flow.user_id).get("email", "")
        return {"state": self._codes.state(options, ctx.flow.realm, ctx.flow.user_id), "email": email}

    def submit(self, ctx: StepContext, action: str, form: Mapping[str, str], ip: str) -> None:
        options = EmailCodeOptions.from_step(ctx.step)
        if action == "send":
            email = self._gateway.get_user(ctx.flow.realm, ctx.flow.user_id).get("email", "")
            self._codes.send(options, ctx.flow.realm, ctx.flow.user_id, email,
                             lambda code: (ctx.t("email.subject"), ctx.t("email.body", code=code,
                                                                         minutes=options.code_lifetime // 60)))
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
