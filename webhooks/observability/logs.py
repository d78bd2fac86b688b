"""The service's logs as JSON lines (python-json-logger): one object per record with its `extra`
fields (realm, route, status, request id), so a log system can filter on them. Addresses and codes
are never logged in clear by the service's own modules (numbers are masked, emails not logged); the
dev SMTP sink's per-message chatter stays out."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                       rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiosmtpd logs every connection and message of the dev sink at INFO.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
