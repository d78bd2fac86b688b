"""When Keycloak deletes an account, the service forgets that user's onboarding data: the flows and
completed steps, and whatever each step keeps (asked of the step registry); a verified phone number
then stops counting against the number's account limit."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete
from sqlalchemy.orm import Session

from webhooks.onboarding.models import OnboardingFlow, StepCompletion
from webhooks.onboarding.plugin import StepRegistry

Handler = Callable[[dict, Session], None]


def deleted_user_id(event: dict) -> str | None:
    """The user an event deletes: userId of DELETE_ACCOUNT, or the id in an admin users/<id> path."""
    if event.get("kind") == "admin":
        path = (event.get("resourcePath") or "").split("/")
        return path[1] if len(path) == 2 and path[0] == "users" else None
    return event.get("userId")


def handlers(registry: StepRegistry) -> dict[str, Handler]:
    """Event handlers for DELETE_ACCOUNT and USER.DELETE."""

    def forget_user(event: dict, session: Session) -> None:
        user_id = deleted_user_id(event)
        if not user_id:
            return
        realm = event["realm"]
        for table in (OnboardingFlow, StepCompletion):
            session.execute(delete(table).where(table.realm == realm, table.user_id == user_id))
        for plugin in registry:
            plugin.forget(session, realm, user_id)

    return {"DELETE_ACCOUNT": forget_user, "USER.DELETE": forget_user}
