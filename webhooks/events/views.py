"""POST /events/keycloak: signed deliveries from Keycloak's idp-webhook listener."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from webhooks.domain_errors import DomainError
from webhooks.events.intake import DuplicateEvent, EventIntake
from webhooks.observability.metrics import EVENTS

bp = Blueprint("events", __name__, url_prefix="/events")


def intake() -> EventIntake:
    return current_app.extensions["event_intake"]


@bp.post("/keycloak")
def receive():
    """Verify, dedupe, process; answers fast (handlers are short database work)."""
    try:
        event = intake().verify(request.get_data(), request.headers)
    except DomainError:
        EVENTS.labels("push", "refused").inc()
        raise
    if not intake().process(event, via="push"):
        raise DuplicateEvent(f"Event {event['id']} was already processed; this delivery changes nothing.")
    return jsonify({"status": "processed", "id": event["id"]}), 200
