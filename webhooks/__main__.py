"""`python -m webhooks serve`: the service (waitress) plus, in dev, the SMTP sink."""

from __future__ import annotations

import logging
import sys

from waitress import serve

from webhooks import MAX_REQUEST_BYTES, create_app
from webhooks.config import ConfigProblem, ServiceConfig
from webhooks.devinbox.smtp_sink import start_smtp_sink
from webhooks.events.reconciler import ReconcilerThread


def main(argv: list[str]) -> int:
    """Entry point; the only command is `serve`."""
    if argv[1:] != ["serve"]:
        print("usage: python -m webhooks serve", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        config = ServiceConfig.from_env()
    except ConfigProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app = create_app(config)
    sink = start_smtp_sink(app.extensions["dev_inbox"], config.smtp_port) if config.dev_inbox else None
    reconciler = ReconcilerThread(app.extensions["reconciler"], config.reconcile_interval)
    reconciler.start()
    try:
        # waitress buffers a whole body before the app sees it: it must refuse big ones itself.
        serve(app, host="127.0.0.1", port=config.port, threads=8, ident="idp-service",
              max_request_body_size=MAX_REQUEST_BYTES)
    finally:
        reconciler.stop()
        if sink is not None:
            sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
