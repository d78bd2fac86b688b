"""Tables of the service (imported by migrations/env.py so Alembic sees them)."""

from webhooks.devinbox.models import DevMessage
from webhooks.email_code.models import EmailCode
from webhooks.events.models import ProcessedEvent, ReconcileCheckpoint
from webhooks.limits import LimitCooldown, LimitCounter
from webhooks.onboarding.models import OnboardingFlow, StepCompletion
from webhooks.phone.models import BlockedNumber, PhoneVerification

__all__ = ["BlockedNumber", "DevMessage", "EmailCode", "LimitCooldown", "LimitCounter", "OnboardingFlow",
           "PhoneVerification", "ProcessedEvent", "ReconcileCheckpoint", "StepCompletion"]
