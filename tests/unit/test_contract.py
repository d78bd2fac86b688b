"""The Keycloak extension and the Python parts use the same names: each Java constant that crosses
a boundary equals its entry in contract/names.py (or the key derivation's labels)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contract import names
from webhooks.onboarding import keys

JAVA = Path(__file__).resolve().parents[2] / "extensions" / "src" / "main" / "java" / "dev" / "idp" / "keycloak"


def java_constant(source: str, name: str) -> str:
    text = (JAVA / source).read_text(encoding="utf-8")
    match = re.search(rf'static final String {name} = "((?:[^"\\]|\\.)*)";', text)
    assert match, f"{name} not found in {source}"
    return match.group(1)


@pytest.mark.parametrize(("source", "constant", "python"), [
    ("onboarding/OnboardingSettings.java", "REALM_ATTRIBUTE", names.ONBOARDING_ATTRIBUTE),
    ("onboarding/OnboardingSettings.java", "COMPLETED_ATTRIBUTE", names.ONBOARDING_COMPLETED),
    ("onboarding/OnboardingSettings.java", "AUDIENCE_HANDOVER", names.HANDOVER_AUDIENCE),
    ("onboarding/OnboardingSettings.java", "RESULT_ISSUER", names.RESULT_ISSUER),
    ("onboarding/OnboardingRequiredAction.java", "ID", names.ONBOARDING_ACTION),
    ("onboarding/OnboardingReturnTokenHandler.java", "RESULT_PARAM", names.RESULT_PARAM),
    ("onboarding/OnboardingKeys.java", "HANDOVER", keys.HANDOVER),
    ("onboarding/OnboardingKeys.java", "RESULT", keys.RESULT),
    ("onboarding/OnboardingKeys.java", "INVITATION", keys.INVITATION),
    ("invitations/InvitationFormAction.java", "ISSUER", names.RESULT_ISSUER),
    ("invitations/InvitationFormAction.java", "PARAM", names.INVITATION_PARAM),
    ("events/WebhookEventListenerProviderFactory.java", "ID", names.WEBHOOK_LISTENER),
    ("accounts/AccountsClaimMapper.java", "ID", names.ACCOUNTS_MAPPER),
    ("accounts/AccountsClaimMapper.java", "CLAIM", names.ACCOUNTS_CLAIM),
    ("accounts/AccountsClaimMapper.java", "ROLES_GROUP", names.ACCOUNT_ROLES_GROUP),
    ("accounts/AccountsClaimMapper.java", "PROJECTS_GROUP", names.PROJECTS_GROUP),
    ("accounts/AccountsClaimMapper.java", "NAME_ATTRIBUTE", names.ACCOUNT_NAME_ATTRIBUTE),
    ("accounts/AccountsClaimMapper.java", "STATUS_ATTRIBUTE", names.ACCOUNT_STATUS_ATTRIBUTE),
    ("accounts/AccountsClaimMapper.java", "REASON_ATTRIBUTE", names.ACCOUNT_STATUS_REASON_ATTRIBUTE),
    ("accounts/AccountsClaimMapper.java", "TRIAL_ENDS_ATTRIBUTE", names.ACCOUNT_TRIAL_ENDS_ATTRIBUTE),
    ("accounts/AccountsClaimMapper.java", "API_TOKEN_CONFIG", names.ACCOUNTS_API_TOKEN_CONFIG),
    ("accounts/AccountsClaimMapper.java", "API_BLOCKING_STATUSES", ",".join(names.API_BLOCKING_STATUSES)),
    ("login/LockoutAwarePasswordForm.java", "REALM_ATTRIBUTE", names.TELL_LOCKED_ATTRIBUTE),
    ("login/LockoutAwarePasswordFormFactory.java", "ID", names.PASSWORD_FORM),
    ("activation/WelcomePasswordAuthenticatorFactory.java", "ID", names.WELCOME_PASSWORD_STEP),
    ("registration/EmailLengthFormAction.java", "ID", names.EMAIL_LENGTH_STEP),
])
def test_java_constants_match_the_contract(source, constant, python):
    assert java_constant(source, constant) == python
