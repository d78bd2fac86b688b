"""The one contract every onboarding step keeps, and the registry the wizard asks. The wizard, the
account-deletion handler and the check that a tenant's steps can run know no step by name: they
ask the registry. A step's settings model lives in contract/onboarding.py (STEP_MODELS)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from contract.onboarding import STEP_MODELS, Strict
from webhooks.onboarding.models import OnboardingFlow, StepCompletion

Translate = Callable[..., str]


@dataclass
class StepContext:
    """What a step sees of one request: the flow, its own settings, the page's language."""

    flow: OnboardingFlow
    step: Any  # the step's settings model (contract.onboarding)
    t: Translate
    locale: str  # the page's language: the sign-in's, or the one the user picked


class StepPlugin(ABC):
    """One kind of onboarding step. A step states its kind, page and forms; the rest has defaults."""

    kind: ClassVar[str]  # as in the tenant's YAML; its settings model is STEP_MODELS[kind]
    template: ClassVar[str]  # the page, under templates/

    @abstractmethod
    def view(self, ctx: StepContext) -> dict:
        """What the page shows (passed to the template)."""

    @abstractmethod
    def submit(self, ctx: StepContext, action: str, form: Mapping[str, str], ip: str) -> None:
        """Handle one of the page's forms; marks the step done when it is; StepRefused when input is refused."""

    def media(self, ctx: StepContext, name: str, item: str) -> tuple[bytes, str] | None:
        """A file the step's page loads (e.g. a captcha's picture): (body, media type), or None (404)."""
        return None

    def is_done(self, settings: Any, realm: str, user_id: str, completions: Mapping[str, StepCompletion]) -> bool:
        """Whether the user has done (or need not do) this step; `completions` are the records of the
        steps that marked themselves done, by kind."""
        return self.kind in completions

    def may_reopen(self, ctx: StepContext) -> bool | None:
        """Whether the user may change this step once done: None if it never changes, else now or not."""
        return None

    def forget(self, session: Session, realm: str, user_id: str) -> None:
        """Delete what the step keeps about a user whose account was deleted (nothing by default)."""
        return None


class StepRegistry:
    """The step kinds this service runs."""

    def __init__(self) -> None:
        self._plugins: dict[str, StepPlugin] = {}

    def add(self, plugin: StepPlugin) -> None:
        if plugin.kind not in STEP_MODELS:
            raise ValueError(f"step kind {plugin.kind!r} has no settings model in contract/onboarding.py")
        self._plugins[plugin.kind] = plugin

    def get(self, kind: str) -> StepPlugin | None:
        return self._plugins.get(kind)

    def __contains__(self, kind: object) -> bool:
        return kind in self._plugins

    def __iter__(self) -> Iterator[StepPlugin]:
        return iter(self._plugins.values())

    def settings_model(self, kind: str) -> type[Strict]:
        return STEP_MODELS[kind]
