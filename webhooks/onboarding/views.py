"""The wizard's pages: /onboarding/start (hand-over), /onboarding/<flow> (current step), step forms."""

from __future__ import annotations

import secrets
from functools import partial
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, session, url_for

from webhooks.domain_errors import DomainError
from webhooks.onboarding.i18n import translate
from webhooks.onboarding.models import OnboardingFlow
from webhooks.onboarding.plugin import StepContext, StepRegistry
from webhooks.onboarding.service import FlowNotFound, OnboardingService
from webhooks.page_language import error_page, page_locale
from webhooks.step_errors import StepRefused

bp = Blueprint("onboarding", __name__, url_prefix="/onboarding")
REMEMBERED_FLOWS = 5


def _service() -> OnboardingService:
    return current_app.extensions["onboarding"]


def _locale(flow: OnboardingFlow | None = None) -> str:
    return page_locale(flow.locale if flow is not None else None)


def _flow(flow_id: str) -> OnboardingFlow:
    # The flow id alone is not enough: it must belong to this browser's session.
    if flow_id not in session.get("flows", []):
        raise FlowNotFound("This onboarding session has ended. Please sign in again to continue.")
    return _service().flow(flow_id)


def _registry() -> StepRegistry:
    return current_app.extensions["onboarding_steps"]


def _context(flow: OnboardingFlow, step: Any) -> StepContext:
    locale = _locale(flow)
    return StepContext(flow, step, partial(translate, locale), locale)


def _render(flow: OnboardingFlow, step: Any, error: str | None = None, status: int = 200):
    context = _context(flow, step)
    steps, done = _service().progress(flow.realm, flow.user_id)
    # Done steps that may be changed: True (now) or False (only after signing in again).
    changeable = {}
    for other in steps:
        if other.kind in done:
            allowed = _registry().get(other.kind).may_reopen(_context(flow, other))
            if allowed is not None:
                changeable[other.kind] = allowed
    plugin = _registry().get(step.kind)
    return render_template(plugin.template, t=context.t, locale=context.locale, flow=flow, step=step, steps=steps,
                           tenant_name=current_app.extensions["keycloak"].display_name(flow.realm),
                           done=done, position=[s.kind for s in steps].index(step.kind) + 1, error=error,
                           changeable=changeable, **plugin.view(context)), status


bp.register_error_handler(DomainError, error_page)


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


@bp.get("/<flow_id>/<kind>/media/<item>/<name>")
def media(flow_id: str, kind: str, item: str, name: str):
    """A file the current step's page loads (a captcha's picture or sound)."""
    flow = _flow(flow_id)
    step = _service().current_step(flow)
    found = _registry().get(kind).media(_context(flow, step), name, item) if step and step.kind == kind else None
    if found is None:
        abort(404)
    body, media_type = found
    return Response(body, mimetype=media_type, headers={"Cache-Control": "no-store"})


@bp.post("/<flow_id>/<kind>/<action>")
def submit(flow_id: str, kind: str, action: str):
    """A step's form; refusals come back as the same page with the reason."""
    flow = _flow(flow_id)
    if action == "reopen":
        return _reopen(flow, kind)
    step = _service().current_step(flow)
    if step is None or step.kind != kind:
        return redirect(url_for(".show", flow_id=flow.id))  # a stale form from an earlier step
    context = _context(flow, step)
    try:
        _registry().get(kind).submit(context, action, request.form, request.remote_addr or "unknown")
    except StepRefused as exc:
        return _render(flow, step, error=context.t(exc.key, **exc.params), status=422)
    return redirect(url_for(".show", flow_id=flow.id))


def _reopen(flow: OnboardingFlow, kind: str):
    """Change a done step, where the step allows it now."""
    steps, done = _service().progress(flow.realm, flow.user_id)
    step = next((s for s in steps if s.kind == kind), None)
    if step is None or kind not in done:
        return redirect(url_for(".show", flow_id=flow.id))
    context = _context(flow, step)
    if not _registry().get(kind).may_reopen(context):
        current = _service().current_step(flow) or step
        return _render(flow, current, error=context.t(f"{kind}.change_after_sign_in"), status=409)
    _service().reopen_step(flow, kind)
    return redirect(url_for(".show", flow_id=flow.id))
