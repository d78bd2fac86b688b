"""Tables of the service (imported by migrations/env.py so Alembic sees them)."""

from webhooks.accounts.events import AccountEvent
from webhooks.accounts.invitations import InvitationRow
from webhooks.accounts.models import AccountRow
from webhooks.balance.auto_top_up import AutoTopUpRow
from webhooks.balance.ledger import LedgerEntry
from webhooks.cards.models import BoundCard, CardBinding
from webhooks.cards.sandbox import SandboxCard, SandboxPayment
from webhooks.code_store import OneTimeCode
from webhooks.devinbox.models import DevMessage
from webhooks.events.models import ProcessedEvent, ReconcileCheckpoint
from webhooks.limits import LimitCooldown, LimitCounter
from webhooks.onboarding.models import OnboardingFlow, StepCompletion
from webhooks.pats.tokens import PersonalAccessToken
from webhooks.phone.models import BlockedNumber
from webhooks.support.actions import SupportRecord

__all__ = [
           "AccountEvent",
           "AccountRow",
           "AutoTopUpRow",
           "BlockedNumber",
           "BoundCard",
           "CardBinding",
           "DevMessage",
           "InvitationRow",
           "LedgerEntry",
           "LimitCooldown",
           "LimitCounter",
           "OnboardingFlow",
           "OneTimeCode",
           "PersonalAccessToken",
           "ProcessedEvent",
           "ReconcileCheckpoint",
           "SandboxCard",
           "SandboxPayment",
           "StepCompletion",
           "SupportRecord",
]
