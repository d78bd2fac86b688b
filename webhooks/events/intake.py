"""Verifies signed deliveries (Standard Webhooks) and processes each Keycloak event exactly once."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping

from sqlalchemy.orm import Session
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from webhooks.domain_errors import DomainError
from webhooks.events.repository import EventRepository
from webhooks.observability.metrics import EVENT_LAG, EVENTS

log = logging.getLogger(__name__)
Handler = Callable[[dict, Session], None]
REQUIRED_FIELDS = ("id", "realm", "type")


class InvalidDelivery(DomainError):
    status = 401
    code = "invalid_signature"


class MalformedDelivery(DomainError):
    status = 400
    code = "invalid_body"


class DuplicateEvent(DomainError):
    status = 409
    code = "duplicate_event"


class EventIntake:
    """verify() a delivery, then process() it: claim its id and run its handler in one transaction."""

    def __init__(self, secret: str, repository: EventRepository, handlers: Mapping[str, Handler],
                 previous_secrets: tuple[str, ...] = ()) -> None:
        # No secret, no intake: an unverifiable delivery is never trusted. Previous secrets are still
        # accepted while a rotation runs (Keycloak may sign with either until it restarts).
        self._webhooks = [Webhook(s) for s in (secret, *previous_secrets)] if secret else []
        self.repository = repository
        self.handlers = handlers
        # Work outside the database (Keycloak calls) an event starts: idempotent, run before the event
        # is marked processed, so a failure leaves it unprocessed and a retry or the reconciler runs it
        # again. Registered by the areas that need one (accounts: REGISTER opens the user's account).
        self.effects: dict[str, Callable[[dict], None]] = {}

    def signed_body(self, body: bytes, headers: Mapping[str, str]) -> str:
        """The body as text if Keycloak signed it with the shared secret (5 minutes' tolerance); else
        InvalidDelivery. Also checks the extension's other signed calls (personal access token checks)."""
        if not self._webhooks:
            raise InvalidDelivery("This service has no webhook secret configured, so it accepts no deliveries.")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedDelivery("Delivery refused: the body is not UTF-8 text.") from exc
        self._verify_signature(text, {k.lower(): v for k, v in headers.items()})
        return text

    def verify(self, body: bytes, headers: Mapping[str, str]) -> dict:
        """The event if signature and timestamp (5 minutes' tolerance) check out; else InvalidDelivery."""
        text = self.signed_body(body, headers)
        lowered = {k.lower(): v for k, v in headers.items()}
        try:
            event = json.loads(text)
        except ValueError as exc:
            raise MalformedDelivery("Delivery refused: the body is not JSON.") from exc
        if not isinstance(event, dict) or any(not isinstance(event.get(f), str) or not event.get(f)
                                              for f in REQUIRED_FIELDS):
            raise MalformedDelivery("Delivery refused: the body lacks id, realm or type.")
        if event["id"] != lowered.get("webhook-id"):
            raise InvalidDelivery("Delivery refused: the body's id differs from the webhook-id header.")
        return event

    def _verify_signature(self, text: str, headers: Mapping[str, str]) -> None:
        problem = "no secret"
        for webhook in self._webhooks:
            try:
                webhook.verify(text, headers, json_parse=False)
                return
            except WebhookVerificationError as exc:
                problem = str(exc)
            except ValueError as exc:  # a signature header that is not "v1,<base64>" pairs
                raise InvalidDelivery("Delivery refused: the webhook-signature header is malformed.") from exc
        raise InvalidDelivery(f"Delivery refused: {problem}.")

    def process(self, event: dict, via: str) -> bool:
        """Run the event's effect and handler unless its id was seen; True if it was processed now."""
        effect = self.effects.get(event["type"])
        if effect is not None and not self.repository.seen(event["id"]):
            effect(event)
        with self.repository.sessions.begin() as session:
            if not self.repository.claim(session, event, via):
                EVENTS.labels(via, "duplicate").inc()
                return False
            handler = self.handlers.get(event["type"])
            if handler is not None:
                handler(event, session)
        EVENTS.labels(via, "processed").inc()
        if isinstance(event.get("time"), int | float) and event["time"] > 0:
            EVENT_LAG.labels(via).observe(max(0.0, time.time() - event["time"] / 1000))
        log.info("event processed", extra={"realm": event["realm"], "type": event["type"], "via": via})
        return True
