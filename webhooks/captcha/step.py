"""The captcha onboarding step: read the picture (or listen to it) and type what it says."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from sqlalchemy.orm import Session

from webhooks.captcha.service import CaptchaService
from webhooks.onboarding.plugin import StepContext, StepPlugin
from webhooks.onboarding.service import OnboardingService
from webhooks.step_errors import StepRefused

MEDIA = {"picture.png": "image/png", "sound.wav": "audio/wav"}


class CaptchaStepPlugin(StepPlugin):
    kind: ClassVar[str] = "captcha"
    template: ClassVar[str] = "onboarding/captcha.html"

    def __init__(self, onboarding: OnboardingService, captchas: CaptchaService) -> None:
        self._onboarding, self._captchas = onboarding, captchas

    def view(self, ctx: StepContext) -> dict:
        try:
            challenge = self._captchas.current(ctx.step, ctx.flow.realm, ctx.flow.user_id, ctx.flow.id)
        except StepRefused as exc:
            return {"challenge": None, "refused": ctx.t(exc.key, **exc.params)}
        return {"challenge": challenge, "refused": None}

    def submit(self, ctx: StepContext, action: str, form: Mapping[str, str], ip: str) -> None:
        flow = ctx.flow
        if action == "reload":
            self._captchas.issue(ctx.step, flow.realm, flow.user_id, flow.id)
        elif action == "verify":
            self._captchas.answer(flow.realm, flow.user_id, flow.id, form.get("challenge", ""),
                                  form.get("answer", ""))
            self._onboarding.complete_step(flow, self.kind)
        else:
            raise StepRefused("step.unknown_action")

    def media(self, ctx: StepContext, name: str, item: str) -> tuple[bytes, str] | None:
        """The challenge's picture or sound; None once it is answered, spent or expired."""
        if name not in MEDIA:
            return None
        draw = self._captchas.picture if name == "picture.png" else self._captchas.sound
        body = draw(ctx.flow.realm, ctx.flow.user_id, ctx.flow.id, item)
        return None if body is None else (body, MEDIA[name])

    def forget(self, session: Session, realm: str, user_id: str) -> None:
        self._captchas.forget(session, realm, user_id)
