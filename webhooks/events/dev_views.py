"""Dev-only views of event processing (registered with the dev inbox, never in production)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from webhooks.query_params import bounded_int, bounded_text

bp = Blueprint("dev_events", __name__, url_prefix="/dev/events")


@bp.get("")
def processed():
    """Processed events, newest first (at most ?limit=, 1-1000); ?realm= and ?type= narrow it."""
    rows = current_app.extensions["event_intake"].repository.processed(
        bounded_text(request.args, "realm", 255), bounded_text(request.args, "type", 64),
        bounded_int(request.args, "limit", 100, 1, 1000))
    return jsonify({"events": [{"id": r.id, "realm": r.realm, "type": r.type, "userId": r.user_id,
                                "via": r.received_via} for r in rows]})


@bp.post("/reconcile")
def reconcile():
    """Run one reconciler pass now."""
    result = current_app.extensions["reconciler"].run_once()
    return jsonify({"processed": result.processed, "failed": result.failed})
