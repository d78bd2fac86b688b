"""The WSGI application for gunicorn: `gunicorn 'webhooks.wsgi:app'`. Settings come from the
environment; the schema must have been migrated (`python -m webhooks migrate`) beforehand."""

from __future__ import annotations

import sys

from webhooks import create_app
from webhooks.config import ConfigProblem
from webhooks.db import SchemaNotCurrent
from webhooks.observability.logs import configure_logging

configure_logging()
try:
    app = create_app()
except (ConfigProblem, SchemaNotCurrent) as exc:
    print(f"error: {exc}", file=sys.stderr)
    # gunicorn's "worker failed to boot" code: the arbiter stops instead of respawning forever.
    sys.exit(3)
