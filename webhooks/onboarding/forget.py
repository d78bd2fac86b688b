"""When Keycloak deletes an account, the service forgets that user's onboarding data; their
verified phone number then stops counting against the number's account limit."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from webhooks.email_code.models import EmailCode
from webhooks.onboarding.models import OnboardingFlow, StepCompletion
from webhooks.phone.models import BlockedNumber, PhoneVerification

# Kept on purpose: phone_sends, since the daily anti-pumping limits must outlive a deleted account.
PER_USER_TABLES = (OnboardingFlow, StepCompletion, PhoneVerification, BlockedNumber, EmailCode)


def deleted_user_id(event: dict) -> str | None:
    """The user an event deletes: userId of DELETE_ACCOUNT, or the id in an admin users/<id> path."""
    if event.get("kind") == "admin":
        path = (event.get("resourcePath") or "").split("/")
        return path[1] if len(path) == 2 and path[0] == "users" else None
    return event.get("userId")


def forget_user(event: dict, session: Session) -> None:
    """Event handler for DELETE_ACCOUNT and USER.DELETE."""
    user_id = deleted_user_id(event)
    if not user_id:
        return
    for table in PER_USER_TABLES:
        session.execute(delete(table).where(table.realm == event["realm"], table.user_id == user_id))


HANDLERS = {"DELETE_ACCOUNT": forget_user, "USER.DELETE": forget_user}
