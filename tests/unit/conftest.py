"""Unit-test fixtures: a migrated SQLite database of the service (no servers)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from webhooks.db import make_engine, make_sessions, upgrade


@pytest.fixture
def sessions(tmp_path) -> sessionmaker:
    engine = make_engine(f"sqlite:///{tmp_path / 'service.db'}")
    upgrade(engine)
    return make_sessions(engine)
