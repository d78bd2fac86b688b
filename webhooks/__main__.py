"""`python -m webhooks serve|migrate|worker`.

- `migrate`: bring the database schema to this version's (once per deployment, before any worker).
- `serve`: the development server (waitress) with the reconciler and, in dev, the SMTP sink in-process.
- `worker`: the reconciler (and, in dev, the SMTP sink) without HTTP, for deployments whose HTTP runs
  under gunicorn (`gunicorn 'webhooks.wsgi:app'`): one worker process per deployment, not one per
  gunicorn worker.
"""

from __future__ import annotations

import signal
import sys
import threading

from waitress import serve

from webhooks import MAX_REQUEST_BYTES, create_app
from webhooks.config import ConfigProblem, ServiceConfig
from webhooks.db import SchemaNotCurrent, make_engine, upgrade
from webhooks.devinbox.smtp_sink import start_smtp_sink
from webhooks.events.reconciler import ReconcilerThread
from webhooks.observability.logs import configure_logging

USAGE = "usage: python -m webhooks serve|migrate|worker"


def _migrate(config: ServiceConfig) -> int:
    revision = upgrade(make_engine(config.database_url))
    print(f"The service's database is at revision {revision}.")
    return 0


def _run(config: ServiceConfig, http: bool) -> int:
    app = create_app(config)
    sink = start_smtp_sink(app.extensions["dev_inbox"], config.smtp_port) if config.dev_inbox else None
    reconciler = ReconcilerThread(app.extensions["reconciler"], config.reconcile_interval)
    reconciler.start()
    try:
        if http:
            # waitress buffers a whole body before the app sees it: it must refuse big ones itself.
            serve(app, host="127.0.0.1", port=config.port, threads=8, ident="idp-service",
                  max_request_body_size=MAX_REQUEST_BYTES)
        else:
            stopped = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stopped.set())
            signal.signal(signal.SIGINT, lambda *_: stopped.set())
            stopped.wait()
    finally:
        reconciler.stop()
        if sink is not None:
            sink.stop()
    return 0


def main(argv: list[str]) -> int:
    """Entry point."""
    if len(argv) != 2 or argv[1] not in ("serve", "migrate", "worker"):
        print(USAGE, file=sys.stderr)
        return 2
    configure_logging()
    try:
        config = ServiceConfig.from_env()
        if argv[1] == "migrate":
            return _migrate(config)
        return _run(config, http=argv[1] == "serve")
    except (ConfigProblem, SchemaNotCurrent) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
