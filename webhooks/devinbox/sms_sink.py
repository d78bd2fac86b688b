"""The dev SMS/voice sink: messages land in the dev inbox instead of a phone network."""

from __future__ import annotations

from webhooks.devinbox.repository import DevInboxRepository


class DevSinkSms:
    """An SmsProvider that stores each message (channel sms or voice) in the dev inbox."""

    def __init__(self, inbox: DevInboxRepository) -> None:
        self._inbox = inbox

    def send(self, to: str, text: str, channel: str) -> None:
        self._inbox.add(channel=channel, recipients=[to], sender=f"dev-{channel}", subject=text, text_body=text,
                        html_body=None)
