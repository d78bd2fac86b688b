"""One step contract: the wizard asks the registry and names no step; the service refuses (fails
closed) a tenant whose published settings name a step it cannot run or do not validate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contract.onboarding import STEP_MODELS
from webhooks.onboarding.plugin import StepPlugin, StepRegistry
from webhooks.onboarding.service import OnboardingService, StepNotRunnable

ROOT = Path(__file__).resolve().parents[2]


class FakeGateway:
    def __init__(self, config: dict) -> None:
        self.config = config

    def onboarding_config(self, realm: str) -> dict:
        return self.config


class Plugin(StepPlugin):
    template = "onboarding/x.html"

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def view(self, ctx):
        return {}

    def submit(self, ctx, action, form, ip):
        return None


def service(config: dict, kinds: list[str]) -> OnboardingService:
    registry = StepRegistry()
    for kind in kinds:
        registry.add(Plugin(kind))
    return OnboardingService(None, FakeGateway(config), None, "http://kc", registry)


def test_the_tenants_steps_come_back_as_their_settings_models_in_order():
    steps = service({"steps": [{"kind": "phone", "allowed_countries": ["RU"]}, {"kind": "email_code"}]},
                    ["phone", "email_code"]).steps("r")
    assert [s.kind for s in steps] == ["phone", "email_code"]
    assert steps[0].code_length == 4 and steps[1].attempts == 5, "defaults from the one model, not repeated"


@pytest.mark.parametrize("config", [
    {"steps": [{"kind": "phone"}, {"kind": "account_details"}]},  # a kind the registry does not run
    {"steps": [{"kind": "card", "test_charge": 500}]},  # declared but not runnable in this version
    {"steps": [{"kind": "teleport"}]},  # no such kind
    {"steps": [{"kind": "phone", "code_length": 99}]},  # out of range: edited past `idp validate`
    {"steps": [{"kind": "phone", "surprise": True}]},  # unknown key
])
def test_settings_that_cannot_run_stop_onboarding(config):
    with pytest.raises(StepNotRunnable):
        service(config, ["phone"]).steps("r")


def test_the_registry_takes_only_kinds_with_a_settings_model():
    with pytest.raises(ValueError, match="no settings model"):
        StepRegistry().add(Plugin("teleport"))


def test_the_wizard_names_no_step():
    wizard = [ROOT / "webhooks/onboarding/views.py", ROOT / "webhooks/onboarding/service.py",
              ROOT / "webhooks/onboarding/forget.py", ROOT / "webhooks/templates/onboarding/base.html"]
    for path in wizard:
        text = path.read_text(encoding="utf-8")
        named = [kind for kind in STEP_MODELS if re.search(rf"[\"']{kind}[\"']", text)]
        assert named == [], f"{path.name} names {named}"
