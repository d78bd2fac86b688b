"""Upgrades keep data: a phone and an email code sent before the code store existed still verify
after the upgrade moved them into it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from webhooks.code_store import CodeStore
from webhooks.codes import code_hash
from webhooks.db import MIGRATIONS, make_engine, make_sessions, upgrade


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
