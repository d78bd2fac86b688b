"""gunicorn settings for the service (`gunicorn --config python:webhooks.gunicorn_hooks ...`): with
PROMETHEUS_MULTIPROC_DIR set, every worker writes its metrics into that directory and /metrics adds
them up; the directory starts empty, and a dead worker's live gauges are dropped."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def on_starting(server) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        # Counters from a previous run would be added to this one's.
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
