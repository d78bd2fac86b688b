"""GET /openapi.json: webhooks/openapi.yaml as JSON."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from flask import Blueprint, jsonify

bp = Blueprint("api_docs", __name__)
DOCUMENT = Path(__file__).resolve().parents[1] / "openapi.yaml"


@cache
def document() -> dict:
    return yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
