"""Dev mode only: a captcha's answer lands in the dev inbox (to the user's email address), so a test
can solve it as a person would. A service without the dev inbox never imports this."""

from __future__ import annotations

from collections.abc import Callable

from webhooks.devinbox.repository import DevInboxRepository
from webhooks.keycloak_gateway import KeycloakGateway


def captcha_reveal(inbox: DevInboxRepository, gateway: KeycloakGateway) -> Callable[[str, str, str], None]:
    """reveal(realm, user_id, answer) for CaptchaService."""

    def reveal(realm: str, user_id: str, answer: str) -> None:
        email = gateway.get_user(realm, user_id).get("email") or user_id
        inbox.add(channel="captcha", recipients=[email], sender="dev-captcha", subject=f"Captcha answer: {answer}",
                  text_body=answer, html_body=None)

    return reveal
