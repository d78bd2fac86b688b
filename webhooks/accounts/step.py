"""The organization onboarding step (seed 001): the user names their account and its first project.
The account itself opened at registration (or opens now); this step gives it the chosen name and
creates the project, with the owner in it. Invitees skip it: they join the inviter's account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from contract.accounts import PROJECT_NAME_MAX, project_name
from contract.names import PROJECTS_GROUP
from webhooks.accounts.wiring import AccountsArea
from webhooks.onboarding.models import StepCompletion
from webhooks.onboarding.plugin import StepContext, StepPlugin
from webhooks.onboarding.service import OnboardingService
from webhooks.step_errors import StepRefused

ACCOUNT_NAME_MAX = 100


def _account_name(form: Mapping[str, str]) -> str:
    value = (form.get("account_name") or "").strip()
    if not 0 < len(value) <= ACCOUNT_NAME_MAX:
        raise StepRefused("organization.account_name_invalid", field="account_name", longest=ACCOUNT_NAME_MAX)
    return value


def _project_name(form: Mapping[str, str]) -> str:
    value = project_name(form.get("project_name"))
    if value is None:
        raise StepRefused("organization.project_name_invalid", field="project_name", longest=PROJECT_NAME_MAX)
    return value


class OrganizationStepPlugin(StepPlugin):
    kind: ClassVar[str] = "organization"
    template: ClassVar[str] = "onboarding/organization.html"

    def __init__(self, onboarding: OnboardingService, area: AccountsArea) -> None:
        self._onboarding, self._area = onboarding, area

    def view(self, ctx: StepContext) -> dict:
        return {"ask_project": ctx.step.project}

    def submit(self, ctx: StepContext, action: str, form: Mapping[str, str], ip: str) -> None:
        realm, user_id = ctx.flow.realm, ctx.flow.user_id
        account_name = _account_name(form)
        project = _project_name(form) if ctx.step.project else None
        settings = self._area.accounts.settings(realm)
        row = self._area.accounts.open_signup_account(realm, user_id)
        if settings is None or row is None or row.org_id is None:
            raise StepRefused("organization.no_accounts")
        store = self._area.store
        store.rename_account(realm, row.org_id, account_name)
        if project:
            project_id = store.group(realm, row.org_id, [PROJECTS_GROUP, project])
            if settings.default_project_role:
                store.give(realm, row.org_id, [PROJECTS_GROUP, project, settings.default_project_role], user_id)
            self._area.memberships.events.record(realm, row.org_id, "project_created", user_id, user_id,
                                                 project_id=project_id, name=project)
        self._onboarding.complete_step(ctx.flow, self.kind, {"account_name": account_name, "project_name": project})

    def is_done(self, settings: Any, realm: str, user_id: str, completions: Mapping[str, StepCompletion]) -> bool:
        """Done once named, and never asked of an invitee: they join the inviter's account instead of
        naming one of their own."""
        return self.kind in completions or self._area.invitations.invited(realm, user_id)
