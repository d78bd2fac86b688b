"""A loopback SMTP server that stores every message it receives in the dev inbox."""

from __future__ import annotations

import logging
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from webhooks.devinbox.repository import DevInboxRepository

log = logging.getLogger(__name__)


def _bodies(message: EmailMessage) -> tuple[str, str | None]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    text_body = text.get_content() if text is not None else ""
    html_body = html.get_content() if html is not None else None
    return text_body, html_body


class _Handler:
    def __init__(self, repository: DevInboxRepository) -> None:
        self._repository = repository

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        text_body, html_body = _bodies(message)
        self._repository.add(channel="email", recipients=list(envelope.rcpt_tos),
                             sender=envelope.mail_from or "", subject=str(message.get("subject", "")),
                             text_body=text_body, html_body=html_body)
        # Log who and what only; bodies carry verification links and codes.
        log.info("dev mail sink stored a message", extra={"recipients": len(envelope.rcpt_tos)})
        return "250 Message accepted for delivery"


def start_smtp_sink(repository: DevInboxRepository, port: int, host: str = "127.0.0.1") -> Controller:
    """Start the sink in a background thread; call .stop() on the result to end it."""
    controller = Controller(_Handler(repository), hostname=host, port=port)
    controller.start()
    return controller
