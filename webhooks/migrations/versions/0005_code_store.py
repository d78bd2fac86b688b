"""One code store: phone and email codes move into one_time_codes (ids kept, so a code sent before the
upgrade still verifies), and their two tables go."""

import sqlalchemy as sa
from alembic import op

revision = "0005_code_store"
down_revision = "0004_hardening"
branch_labels = None
depends_on = None

COLUMNS = "id, realm, user_id, purpose, target, channel, country, code_hash, sent_at, expires_at, attempts_left, " \
          "verified_at"


def upgrade() -> None:
    op.create_table(
        "one_time_codes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("realm", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("target", sa.String(320), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts_left", sa.Integer, nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sealed", sa.LargeBinary, nullable=True),
    )
    op.create_index("ix_one_time_codes_owner", "one_time_codes", ["realm", "user_id", "purpose"])
    op.create_index("ix_one_time_codes_target", "one_time_codes", ["realm", "purpose", "target"])
    op.execute(f"INSERT INTO one_time_codes ({COLUMNS}) SELECT id, realm, user_id, 'phone', e164, channel, country, "
               "code_hash, sent_at, expires_at, attempts_left, verified_at FROM phone_verifications")
    op.execute(f"INSERT INTO one_time_codes ({COLUMNS}) SELECT id, realm, user_id, 'email', email, 'email', NULL, "
               "code_hash, sent_at, expires_at, attempts_left, verified_at FROM email_codes")
    op.drop_table("phone_verifications")
    op.drop_table("email_codes")


def downgrade() -> None:
    op.create_table(
        "phone_verifications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("realm", sa.String(255), nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("e164", sa.String(20), nullable=False, index=True),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts_left", sa.Integer, nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "email_codes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("realm", sa.String(255), nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts_left", sa.Integer, nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute("INSERT INTO phone_verifications (id, realm, user_id, e164, country, channel, code_hash, sent_at, "
               "expires_at, attempts_left, verified_at) SELECT id, realm, user_id, target, COALESCE(country, ''), "
               "channel, code_hash, sent_at, expires_at, attempts_left, verified_at FROM one_time_codes "
               "WHERE purpose = 'phone'")
    op.execute("INSERT INTO email_codes (id, realm, user_id, email, code_hash, sent_at, expires_at, attempts_left, "
               "verified_at) SELECT id, realm, user_id, target, code_hash, sent_at, expires_at, attempts_left, "
               "verified_at FROM one_time_codes WHERE purpose = 'email'")
    op.drop_table("one_time_codes")
