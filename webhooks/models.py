"""Tables of the service (imported by migrations/env.py so Alembic sees them)."""

from webhooks.devinbox.models import DevMessage
from webhooks.email_code.models import EmailCode
from webhooks.events.models import ProcessedEvent, ReconcileCheckpoint
from webhooks.onboarding.models import OnboardingFlow, StepCompletion
from webhooks.phone.models import BlockedNumber, PhoneSend, PhoneVerification

__all__ = ["BlockedNumber", "DevMessage", "EmailCode", "OnboardingFlow", "PhoneSend", "PhoneVerification",
           "ProcessedEvent", "ReconcileCheckpoint", "StepCompletion"]
