"""Sends the service's own emails (the email code) through the configured SMTP server."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from webhooks.domain_errors import DomainError


class MailFailed(DomainError):
    status = 502
    code = "mail_failed"


class Mailer:
    """Plain SMTP; in dev it points at the dev sink, in production at a relay."""

    def __init__(self, host: str, port: int, sender: str, timeout: float = 10) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout

    def send(self, to: str, subject: str, text: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self._sender, to, subject
        message.set_content(text)
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailFailed("The email could not be sent; please try again in a minute.") from exc
