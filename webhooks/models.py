"""Tables of the service (imported by migrations/env.py so Alembic sees them)."""

from webhooks.devinbox.models import DevMessage

__all__ = ["DevMessage"]
