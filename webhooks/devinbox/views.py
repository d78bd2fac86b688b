"""Dev inbox pages (HTML) and JSON API."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for

from webhooks.devinbox.repository import DevInboxRepository
from webhooks.query_params import bounded_int, bounded_text

bp = Blueprint("devinbox", __name__, url_prefix="/dev/inbox")
# Ids beyond a 32-bit integer cannot exist; the route answers 404 rather than asking the database.
MESSAGE_ID = "<int(max=2147483647):message_id>"
MAX_LIMIT = 500


def _repository() -> DevInboxRepository:
    return current_app.extensions["dev_inbox"]


@bp.get("")
def inbox_page():
    """Recipients and their newest messages; ?to= narrows it to one recipient."""
    recipient = bounded_text(request.args, "to", 320)
    return render_template("inbox.html", recipient=recipient, recipients=_repository().recipients(),
                           messages=_repository().list(recipient))


@bp.get(f"/{MESSAGE_ID}")
def message_page(message_id: int):
    """One message, with its HTML body shown in a sandboxed frame."""
    message = _repository().get(message_id) or abort(404)
    return render_template("message.html", message=message)


@bp.get("/api/messages")
def list_messages():
    """JSON list of messages, newest first; ?to=ADDRESS for one recipient."""
    limit = bounded_int(request.args, "limit", 100, 1, MAX_LIMIT)
    messages = _repository().list(bounded_text(request.args, "to", 320), limit)
    return jsonify({"messages": [m.as_dict() for m in messages]})


@bp.get(f"/api/messages/{MESSAGE_ID}")
def get_message(message_id: int):
    """JSON of one message."""
    message = _repository().get(message_id) or abort(404)
    return jsonify(message.as_dict())


@bp.post("/call")
def call():
    """"Call from this number": what the platform's voice line would hear from a phone calling
    `called` from `caller` and keying in `digits` (none: just the call, to hear the prompt). What the
    line says lands in the inbox, as a voice call's text does."""
    caller = bounded_text(request.form, "caller", 32) or ""
    called = bounded_text(request.form, "called", 32) or ""
    digits = bounded_text(request.form, "digits", 16)
    line = current_app.extensions["voice_line"]
    reply = line.keyed(caller, called, digits) if digits else line.answer(caller, called)
    _repository().add(channel="call", recipients=[caller], sender=f"call to {called}", subject=reply.say,
                      text_body=f"{reply.outcome.kind}: {reply.say}", html_body=None)
    return redirect(url_for("devinbox.inbox_page", to=caller))
