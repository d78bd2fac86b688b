"""Sending codes by SMS or voice call: one interface and a real HTTP provider (Twilio); the dev sink
lives with the dev inbox."""

from __future__ import annotations

import logging
from typing import Protocol
from xml.sax.saxutils import escape

import requests

from webhooks.domain_errors import DomainError
from webhooks.phone.phone_policy import mask

log = logging.getLogger(__name__)


class DeliveryFailed(DomainError):
    status = 502
    code = "sms_delivery_failed"


class SmsProvider(Protocol):
    """Delivers `text` to an E.164 number by "sms" or "voice"."""

    def send(self, to: str, text: str, channel: str) -> None: ...


class NoSms:
    """No provider configured: every send stops with a clear error instead of silently going nowhere."""

    def send(self, to: str, text: str, channel: str) -> None:
        raise DeliveryFailed("Phone verification is not set up on this service yet. Please contact support.",
                             code="sms_not_configured", status=503)


class TwilioSms:
    """Twilio's REST API: Messages for SMS, Calls with inline TwiML for a robot voice call."""

    def __init__(self, account_sid: str, auth_token: str, sender: str, base_url: str = "https://api.twilio.com",
                 timeout: float = 10) -> None:
        if not (account_sid and auth_token and sender):
            raise DomainError("Twilio needs IDP_TWILIO_ACCOUNT_SID, IDP_TWILIO_AUTH_TOKEN and IDP_TWILIO_FROM.",
                              code="sms_not_configured", status=500)
        self._auth = (account_sid, auth_token)
        self._sender = sender
        self._account_url = f"{base_url}/2010-04-01/Accounts/{account_sid}"
        self._timeout = timeout

    def send(self, to: str, text: str, channel: str) -> None:
        if channel == "voice":
            url = f"{self._account_url}/Calls.json"
            data = {"To": to, "From": self._sender,
                    "Twiml": f'<Response><Say loop="2">{escape(text)}</Say></Response>'}
        else:
            url = f"{self._account_url}/Messages.json"
            data = {"To": to, "From": self._sender, "Body": text}
        try:
            response = requests.post(url, data=data, auth=self._auth, timeout=self._timeout)
        except requests.RequestException as exc:
            raise DeliveryFailed(f"The {channel} provider could not be reached.") from exc
        if not response.ok:
            log.warning("twilio refused a %s to %s: %s", channel, mask(to), response.status_code)
            raise DeliveryFailed(f"The {channel} provider refused the message ({response.status_code}).")
