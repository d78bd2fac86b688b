"""The wizard's pages: /onboarding/start (hand-over), /onboarding/<flow> (current step), step forms."""

from __future__ import annotations

import secrets
from functools import partial

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from webhooks.domain_errors import DomainError
from webhooks.onboarding.i18n import SUPPORTED, translate
from webhooks.onboarding.models import OnboardingFlow
from webhooks.onboarding.service import FlowNotFound, OnboardingService
from webhooks.onboarding.steps import StepContext
from webhooks.step_errors import StepRefused

bp = Blueprint("onboarding", __name__, url_prefix="/onboarding")
REMEMBERED_FLOWS = 5


def _service() -> OnboardingService:
    return current_app.extensions["onboarding"]


def _locale(flow: OnboardingFlow | None = None) -> str:
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in SUPPORTED:
        session["lang"] = chosen
        return chosen
    if flow is not None and flow.locale in SUPPORTED:
        return flow.locale
    return request.accept_languages.best_match(SUPPORTED) or "en"


def _flow(flow_id: str) -> OnboardingFlow:
    # The flow id alone is not enough: it must belong to this browser's session.
    if flow_id not in session.get("flows", []):
        raise FlowNotFound("This onboarding session has ended. Please sign in again to continue.")
    return _service().flow(flow_id)


def _render(flow: OnboardingFlow, step: dict, error: str | None = None, status: int = 200):
    locale = _locale(flow)
    t = partial(translate, locale)
    steps = _service().steps(flow.realm)
    done = _service().completed(flow.realm, flow.user_id)
    adapters = current_app.extensions["onboarding_steps"]
    adapter = adapters[step["kind"]]
    context = StepContext(flow, step, t, locale)
    phone_step = next((s for s in steps if s["kind"] == "phone"), None)
    extra = {"may_change_phone": adapters["phone"].may_change_verified(StepContext(flow, phone_step, t, locale))
             if phone_step and "phone" in done else False}
    return render_template(f"onboarding/{step['kind']}.html", t=t, locale=locale, flow=flow, step=step, steps=steps,
                           tenant_name=current_app.extensions["keycloak"].display_name(flow.realm),
                           done=done, position=[s["kind"] for s in steps].index(step["kind"]) + 1, error=error,
                           **adapter.view(context), **extra), status


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError):
    t = partial(translate, _locale())
    # The page speaks the user's language: each error code has its message in the bundles.
    key = f"error.{exc.code}"
    message = t(key) if t(key) != key else exc.message
    return render_template("onboarding/error.html", t=t, locale=_locale(), message=message), exc.status


@bp.get("/start")
def start():
    """Keycloak's `onboarding` action sends the browser here with a signed hand-over token."""
    # A random secret of this browser (kept in its signed session cookie) that the flow is bound to.
    session.setdefault("browser", secrets.token_urlsafe(32))
    flow = _service().start(request.args.get("token", ""), session["browser"])
    session["flows"] = [flow.id, *[f for f in session.get("flows", []) if f != flow.id]][:REMEMBERED_FLOWS]
    return redirect(url_for(".show", flow_id=flow.id))


@bp.get("/<flow_id>")
def show(flow_id: str):
    """The first unfinished step; when none is left, back to Keycloak with the signed result."""
    flow = _flow(flow_id)
    step = _service().current_step(flow)
    if step is None:
        return redirect(_service().finish(flow))
    return _render(flow, step)


@bp.post("/<flow_id>/<kind>/<action>")
def submit(flow_id: str, kind: str, action: str):
    """A step's form; refusals come back as the same page with the reason."""
    flow = _flow(flow_id)
    steps = current_app.extensions["onboarding_steps"]
    if kind == "phone" and action == "edit":
        return _edit_phone(flow)
    step = _service().current_step(flow)
    if step is None or step["kind"] != kind or kind not in steps:
        return redirect(url_for(".show", flow_id=flow.id))  # a stale form from an earlier step
    locale = _locale(flow)
    context = StepContext(flow, step, partial(translate, locale), locale)
    try:
        steps[kind].submit(context, action, request.form, request.remote_addr or "unknown")
    except StepRefused as exc:
        return _render(flow, step, error=context.t(exc.key, **exc.params), status=422)
    return redirect(url_for(".show", flow_id=flow.id))


def _edit_phone(flow: OnboardingFlow):
    step = next((s for s in _service().steps(flow.realm) if s["kind"] == "phone"), None)
    if step is None:
        return redirect(url_for(".show", flow_id=flow.id))
    locale = _locale(flow)
    context = StepContext(flow, step, partial(translate, locale), locale)
    if not current_app.extensions["onboarding_steps"]["phone"].may_change_verified(context):
        current = _service().current_step(flow) or step
        return _render(flow, current, error=context.t("change_after_sign_in"), status=409)
    _service().reopen_step(flow, "phone")
    return redirect(url_for(".show", flow_id=flow.id))
