"""The service's Prometheus metrics, defined once. Plain Python (no Flask): the areas that count
something import these. Under gunicorn, PROMETHEUS_MULTIPROC_DIR makes every worker write to one
directory, which the /metrics view reads as one (webhooks/observability/views.py)."""

from __future__ import annotations

import os

from prometheus_client import Counter, Gauge, Histogram

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # a process outside gunicorn (the worker) may come first
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

# Latency buckets for a web request (seconds): the service's pages and API answer in milliseconds.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
# Webhook lag (event time in Keycloak to processed here): pushes take milliseconds, pulls up to the
# reconciler's interval and beyond when the service was down.
LAG_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)

REQUESTS = Counter("idp_http_requests_total", "HTTP requests by route and status", ["method", "route", "status"])
REQUEST_SECONDS = Histogram("idp_http_request_duration_seconds", "HTTP request latency by route",
                            ["method", "route"], buckets=REQUEST_BUCKETS)
EVENTS = Counter("idp_events_total", "Keycloak events received: processed, duplicate or refused, by push or pull",
                 ["via", "outcome"])
EVENT_LAG = Histogram("idp_event_lag_seconds", "From the event's time in Keycloak to processed here", ["via"],
                      buckets=LAG_BUCKETS)
CODES_SENT = Counter("idp_codes_sent_total", "One-time codes sent (or, for inbound calls, shown)",
                     ["purpose", "channel"])
CODES_REFUSED = Counter("idp_codes_refused_total", "Code sends refused, by reason (limits, number rules)",
                        ["purpose", "reason"])
STEPS_COMPLETED = Counter("idp_onboarding_steps_completed_total", "Onboarding steps completed", ["kind"])
# The tenant's phone codes today against its daily cap (onboarding phone daily_limits.per_tenant).
PHONE_TENANT_TODAY = Gauge("idp_phone_codes_today", "Phone codes sent today (UTC) by the tenant", ["realm"],
                           multiprocess_mode="max")
PHONE_TENANT_CAP = Gauge("idp_phone_codes_daily_cap", "The tenant's daily cap of phone codes", ["realm"],
                         multiprocess_mode="max")
