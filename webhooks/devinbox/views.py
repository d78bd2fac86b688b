"""Dev inbox pages (HTML) and JSON API."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from webhooks.devinbox.repository import DevInboxRepository

bp = Blueprint("devinbox", __name__, url_prefix="/dev/inbox")


def _repository() -> DevInboxRepository:
    return current_app.extensions["dev_inbox"]


@bp.get("")
def inbox_page():
    """Recipients and their newest messages; ?to= narrows it to one recipient."""
    recipient = request.args.get("to") or None
    return render_template("inbox.html", recipient=recipient, recipients=_repository().recipients(),
                           messages=_repository().list(recipient))


@bp.get("/<int:message_id>")
def message_page(message_id: int):
    """One message, with its HTML body shown in a sandboxed frame."""
    message = _repository().get(message_id) or abort(404)
    return render_template("message.html", message=message)


@bp.get("/api/messages")
def list_messages():
    """JSON list of messages, newest first; ?to=ADDRESS for one recipient."""
    limit = min(request.args.get("limit", default=100, type=int) or 100, 500)
    messages = _repository().list(request.args.get("to") or None, limit)
    return jsonify({"messages": [m.as_dict() for m in messages]})


@bp.get("/api/messages/<int:message_id>")
def get_message(message_id: int):
    """JSON of one message."""
    message = _repository().get(message_id) or abort(404)
    return jsonify(message.as_dict())
