"""GET /metrics (Prometheus text format) and the per-request measurements: the route template (never
the raw path, so ids do not explode the label set), method, status and latency. One log line per
request (JSON, with the request id). /metrics answers loopback callers, or anyone with
IDP_SERVICE_METRICS_TOKEN as a bearer token."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
import uuid

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

from webhooks.observability.metrics import REQUEST_SECONDS, REQUESTS

bp = Blueprint("metrics", __name__)
access_log = logging.getLogger("idp.access")


def _allowed() -> bool:
    token = current_app.config["SERVICE"].metrics_token
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
def metrics():
    if not _allowed():
        return Response("Metrics are for the operator: call from this machine, or set IDP_SERVICE_METRICS_TOKEN "
                        "and send it as a bearer token.\n", status=403, mimetype="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest()
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "unmatched"


def configure_request_metrics(app: Flask) -> None:
    """Count and time every request, and log it as one JSON line."""

    @app.before_request
    def started() -> None:
        g.started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex

    @app.after_request
    def finished(response: Response) -> Response:
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        route = _route()
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(request.method, route).observe(elapsed)
        response.headers["X-Request-Id"] = g.get("request_id", "")
        realm = (request.view_args or {}).get("realm")
        access_log.info("request", extra={"request_id": g.get("request_id"), "method": request.method,
                                          "route": route, "status": response.status_code,
                                          "duration_ms": round(elapsed * 1000, 1), "realm": realm})
        return response
