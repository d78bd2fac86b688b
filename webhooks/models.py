"""Tables of the service (imported by migrations/env.py so Alembic sees them)."""

from webhooks.devinbox.models import DevMessage
from webhooks.events.models import ProcessedEvent, ReconcileCheckpoint

__all__ = ["DevMessage", "ProcessedEvent", "ReconcileCheckpoint"]
