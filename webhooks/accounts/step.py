"""The organization onboarding step (seed 001): the user names their account and its first project.
The account itself opened at registration (or opens now); this step gives it the chosen name and
creates the project, with the owner in it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from contract.names import PROJECTS_GROUP
from webhooks.accounts.wiring import AccountsArea
from webhooks.onboarding.plugin import StepContext, StepPlugin
from webhooks.onboarding.service import OnboardingService
from webhooks.step_errors import StepRefused


def _name(form: Mapping[str, str], key: str, longest: int) -> str:
    value = (form.get(key) or "").strip()
    if not value or len(value) > longest or "/" in value:
        raise StepRefused(f"organization.{key}_invalid", field=key, longest=longest)
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
        account_name = _name(form, "account_name", 100)
        project_name = _name(form, "project_name", 60) if ctx.step.project else None
        settings = self._area.accounts.settings(realm)
        row = self._area.accounts.open_signup_account(realm, user_id)
        if settings is None or row is None or row.org_id is None:
            raise StepRefused("organization.no_accounts")
        store = self._area.store
        store.rename_account(realm, row.org_id, account_name)
        if project_name:
            project_id = store.group(realm, row.org_id, [PROJECTS_GROUP, project_name])
            if settings.default_project_role:
                store.join(realm, row.org_id, store.group(realm, row.org_id, [PROJECTS_GROUP, project_name,
                                                                              settings.default_project_role]),
                           user_id)
            self._area.memberships.events.record(realm, row.org_id, "project_created", user_id, user_id,
                                                 project_id=project_id, name=project_name)
        self._onboarding.complete_step(ctx.flow, self.kind, {"account_name": account_name,
                                                             "project_name": project_name})
