"""Onboarding flows and completed steps; phone verifications, sends and blocked numbers; email codes."""

import sqlalchemy as sa
from alembic import op

revision = "0003_onboarding"
down_revision = "0002_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "onboarding_flows",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("realm", sa.String(255), nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("handover_id", sa.String(64), nullable=False, unique=True),
        sa.Column("return_url", sa.Text, nullable=False),
        sa.Column("return_id", sa.String(64), nullable=False),
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("locale", sa.String(8), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
    )
    op.create_table(
        "onboarding_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("realm", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.UniqueConstraint("realm", "user_id", "kind"),
    )
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
        "phone_sends",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("realm", sa.String(255), nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("e164", sa.String(20), nullable=False),
        sa.Column("prefix", sa.String(20), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_table(
        "phone_blocked_numbers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("realm", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("e164", sa.String(20), nullable=False),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=False),
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


def downgrade() -> None:
    for table in ("email_codes", "phone_blocked_numbers", "phone_sends", "phone_verifications", "onboarding_steps",
                  "onboarding_flows"):
        op.drop_table(table)
