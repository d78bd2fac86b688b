"""Upgrades keep data: a phone and an email code sent before the code store existed still verify
after the upgrade moved them into it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from webhooks.code_store import CodeStore
from webhooks.codes import code_hash
from webhooks.db import MIGRATIONS, head_revision, make_engine, make_sessions, upgrade


def _upgrade_to(engine, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def test_codes_sent_before_the_code_store_still_verify_after_the_upgrade(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    _upgrade_to(engine, "0004_hardening")
    now = datetime.now(UTC)
    later = now + timedelta(minutes=5)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO phone_verifications (id, realm, user_id, e164, country, channel, code_hash, sent_at, "
            "expires_at, attempts_left) VALUES ('p-1', 'cloud', 'u-1', '+79991234567', 'RU', 'sms', :hash, :now, "
            ":later, 3)"), {"hash": code_hash(b"phone-pepper", "p-1", "1234"), "now": now, "later": later})
        connection.execute(text(
            "INSERT INTO email_codes (id, realm, user_id, email, code_hash, sent_at, expires_at, attempts_left) "
            "VALUES ('e-1', 'console', 'u-2', 'ann@example.test', :hash, :now, :later, 5)"),
            {"hash": code_hash(b"email-pepper", "e-1", "ABC-DEF"), "now": now, "later": later})
    upgrade(engine)
    sessions = make_sessions(engine)
    phones, emails = CodeStore("phone", b"phone-pepper"), CodeStore("email", b"email-pepper")
    with sessions.begin() as session:
        phone = phones.latest(session, "cloud", "u-1")
        assert (phone.target, phone.country, phone.channel) == ("+79991234567", "RU", "sms")
        assert phones.try_code(session, phone, "1234", now).refused is None
        email = emails.latest(session, "console", "u-2")
        assert email.target == "ann@example.test" and emails.try_code(session, email, "ABC-DEF", now).refused is None
        assert emails.latest(session, "cloud", "u-1") is None, "each purpose sees its own codes only"


def models_differ_from(engine) -> list:
    """What autogenerate would write if the models had changed without a migration (`alembic check`)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from webhooks import models  # noqa: F401  (registers the tables)
    from webhooks.db import Base

    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def test_the_migrations_build_exactly_the_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'check.db'}")
    upgrade(engine)
    assert models_differ_from(engine) == []


def test_the_service_refuses_an_unmigrated_database_and_says_what_to_run(tmp_path):
    import os
    import subprocess
    import sys

    from tests.support.stack import ROOT

    env = {"PATH": os.environ["PATH"], "IDP_SERVICE_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
           "IDP_SERVICE_PORT": "9", "IDP_SMTP_PORT": "9"}
    def webhooks(command: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "webhooks", command], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120, check=False)

    refused = webhooks("serve")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "database is empty" in refused.stderr and "python -m webhooks migrate" in refused.stderr
    migrated = webhooks("migrate")
    assert migrated.returncode == 0 and f"at revision {head_revision()}." in migrated.stdout, migrated.stderr
    assert f"at revision {head_revision()}." in webhooks("migrate").stdout, "a second run changes nothing"
