"""Onboarding flows: start from a hand-over, find the first unfinished step, finish with a signed
result. No Flask here; the steps themselves are plugins in the registry (onboarding/plugin.py)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from contract.names import ONBOARDING_COMPLETED, RESULT_PARAM
from contract.onboarding import Onboarding
from webhooks.balance import ledger
from webhooks.balance.money import to_minor
from webhooks.domain_errors import DomainError
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.observability.metrics import STEPS_COMPLETED
from webhooks.onboarding.keys import OnboardingKeys
from webhooks.onboarding.models import OnboardingFlow, StepCompletion
from webhooks.onboarding.plugin import StepRegistry
from webhooks.onboarding.tokens import sign_result, verify_handover

log = logging.getLogger(__name__)
FLOW_LIFETIME = timedelta(hours=1)  # as long as Keycloak's return token


class FlowNotFound(DomainError):
    status = 404
    code = "flow_not_found"


class FlowInOtherBrowser(DomainError):
    """The hand-over was opened first in another browser; this one may not see the user's flow."""

    status = 403
    code = "flow_in_other_browser"


class StepNotRunnable(DomainError):
    """The tenant declares a step this service cannot run: onboarding stops (fail closed)."""

    status = 503
    code = "step_not_runnable"


class OnboardingService:
    def __init__(self, sessions: sessionmaker, gateway: KeycloakGateway, keys: OnboardingKeys | None,
                 keycloak_url: str, registry: StepRegistry, clock: Callable[[], datetime] | None = None,
                 on_complete: Callable[[str, str], object] | None = None,
                 invited: Callable[[str, str], bool] | None = None) -> None:
        self._sessions, self._gateway, self._keys, self._keycloak_url = sessions, gateway, keys, keycloak_url
        self._registry = registry
        # Runs (realm, user_id) before the user is marked onboarded (opening their account); if it
        # fails, onboarding is not complete and the user's next try runs it again.
        self._on_complete = on_complete
        # (realm, user_id) -> whether the user arrives by invitation: they skip the tenant's
        # skip_when_invited steps.
        self._invited = invited
        self._now = clock or (lambda: datetime.now(UTC))

    def start(self, token: str, browser_secret: str) -> OnboardingFlow:
        """A flow for a valid hand-over, bound to the browser that opened it first: opening the same
        hand-over again in that browser gives the same flow; in another browser, FlowInOtherBrowser
        (a leaked link must not show the user's data to whoever opens it)."""
        handover = verify_handover(token, self._keys, self._keycloak_url)
        browser = hashlib.sha256(browser_secret.encode()).hexdigest()
        now = self._now()
        with self._sessions.begin() as session:
            flow = session.scalar(select(OnboardingFlow).where(OnboardingFlow.handover_id == handover.token_id))
            if flow is None:
                flow = OnboardingFlow(
                    id=str(uuid.uuid4()), realm=handover.realm, user_id=handover.user_id,
                    handover_id=handover.token_id, return_url=handover.return_url, return_id=handover.return_id,
                    issuer=handover.issuer, locale=handover.locale, issued_at=now,
                    expires_at=now + FLOW_LIFETIME, state="active", browser_hash=browser)
                session.add(flow)
            elif not hmac.compare_digest(flow.browser_hash or "", browser):
                log.warning("onboarding: a hand-over of realm %s was opened in a second browser; refused", flow.realm)
                raise FlowInOtherBrowser("This sign-up was opened in another browser.")
            return flow

    def flow(self, flow_id: str) -> OnboardingFlow:
        """An active, unexpired flow."""
        with self._sessions() as session:
            flow = session.get(OnboardingFlow, flow_id)
        if flow is None or flow.state != "active" or flow.expires_at <= self._now():
            raise FlowNotFound("This onboarding session has ended. Please sign in again to continue.")
        return flow

    def steps(self, realm: str) -> list[Any]:
        """The tenant's steps (their settings models) in the tenant's order; StepNotRunnable if the
        published settings do not validate or name a step this service cannot run, because a declared
        step must be done, never skipped."""
        return list(self.settings(realm).steps)

    def step(self, realm: str, kind: str) -> Any | None:
        """The tenant's settings of one step kind, if it has that step."""
        return next((s for s in self.steps(realm) if s.kind == kind), None)

    def settings(self, realm: str) -> Onboarding:
        """The tenant's whole onboarding section, validated (see steps())."""
        raw = self._gateway.onboarding_config(realm)
        try:
            settings = Onboarding.model_validate(raw)
        except ValidationError as exc:
            log.error("onboarding of realm %s stopped: its published settings do not validate (%d problem(s); "
                      "run `idp validate` and `idp apply`)", realm, exc.error_count())
            raise StepNotRunnable("The provider's sign-up settings are broken.") from exc
        unknown = [step.kind for step in settings.steps if step.kind not in self._registry]
        if unknown:
            log.error("onboarding of realm %s stopped: it declares steps this service cannot run: %s", realm,
                      ", ".join(unknown))
            raise StepNotRunnable("Sign-up cannot be completed right now: this provider requires a step that "
                                  "is not available. Please contact the provider's support.")
        return settings

    def completed(self, realm: str, user_id: str) -> dict[str, StepCompletion]:
        with self._sessions() as session:
            rows = session.scalars(select(StepCompletion).where(StepCompletion.realm == realm,
                                                                StepCompletion.user_id == user_id))
            return {row.kind: row for row in rows}

    def progress(self, realm: str, user_id: str) -> tuple[list[Any], set[str]]:
        """The tenant's steps, and the kinds the user has done (or need not do), as each step decides;
        the settings are read and validated once for both."""
        settings = self.settings(realm)
        return list(settings.steps), self._done(settings, realm, user_id)

    def _done(self, settings: Onboarding, realm: str, user_id: str) -> set[str]:
        completed = self.completed(realm, user_id)
        done = {step.kind for step in settings.steps
                if self._registry.get(step.kind).is_done(step, realm, user_id, completed)}
        if settings.skip_when_invited and self._invited is not None and self._invited(realm, user_id):
            done |= set(settings.skip_when_invited)
        return done

    def current_step(self, flow: OnboardingFlow) -> Any | None:
        """The first step the user has not finished (resuming where they stopped), or None."""
        steps, done = self.progress(flow.realm, flow.user_id)
        return next((s for s in steps if s.kind not in done), None)

    def complete_step(self, flow: OnboardingFlow, kind: str, data: dict | None = None) -> None:
        with self._sessions.begin() as session:
            exists = session.scalar(select(StepCompletion).where(
                StepCompletion.realm == flow.realm, StepCompletion.user_id == flow.user_id,
                StepCompletion.kind == kind))
            if exists is None:
                session.add(StepCompletion(realm=flow.realm, user_id=flow.user_id, kind=kind,
                                           completed_at=self._now(), data=data or {}))
        if exists is None:
            STEPS_COMPLETED.labels(kind).inc()

    def reopen_step(self, flow: OnboardingFlow, kind: str) -> None:
        with self._sessions.begin() as session:
            row = session.scalar(select(StepCompletion).where(
                StepCompletion.realm == flow.realm, StepCompletion.user_id == flow.user_id,
                StepCompletion.kind == kind))
            if row is not None:
                session.delete(row)

    def finish(self, flow: OnboardingFlow) -> str:
        """Mark the user onboarded in Keycloak and return the way back with a signed result."""
        settings = self.settings(flow.realm)
        if self._done(settings, flow.realm, flow.user_id) != {step.kind for step in settings.steps}:
            raise DomainError("Some onboarding steps are not finished yet.", code="steps_pending", status=409)
        if self._on_complete is not None:
            self._on_complete(flow.realm, flow.user_id)
        self._gateway.update_user(flow.realm, flow.user_id, {"attributes": {ONBOARDING_COMPLETED: ["true"]}})
        # The bonus is credited with the flow's end: if this fails, the flow stays open and the user's
        # next try credits it (once: one bonus per user, by its reference).
        with self._sessions.begin() as session:
            session.get(OnboardingFlow, flow.id).state = "completed"
            bonus = settings.signup_bonus
            if bonus is not None:
                ledger.post(session, realm=flow.realm, user_id=flow.user_id, kind="signup_bonus",
                            amount_minor=to_minor(bonus.amount, bonus.currency), currency=bonus.currency,
                            reference=f"signup-bonus:{flow.user_id}", now=self._now())
        result = sign_result(self._keys, realm=flow.realm, issuer=flow.issuer, user_id=flow.user_id,
                             return_id=flow.return_id)
        return f"{flow.return_url}&{RESULT_PARAM}={quote(result)}"
