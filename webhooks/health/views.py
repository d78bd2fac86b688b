"""GET /healthz: the service is up and its database answers."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 with status ok when the database answers, 503 otherwise."""
    try:
        with current_app.extensions["db_engine"].connect() as connection:
            connection.execute(text("select 1"))
    except Exception as exc:
        return jsonify({"status": "unavailable", "reason": type(exc).__name__}), 503
    return jsonify({"status": "ok"})
