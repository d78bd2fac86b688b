"""Hardening: flows bound to the browser that opened them; atomic limit counters and cooldowns
replace the per-send rows the daily limits were counted from."""

import sqlalchemy as sa
from alembic import op

revision = "0004_hardening"
down_revision = "0003_onboarding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("onboarding_flows") as batch:
        batch.add_column(sa.Column("browser_hash", sa.String(64), nullable=True))
    op.create_table(
        "limit_counters",
        sa.Column("scope", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("window", sa.String(16), primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
    )
    op.create_table(
        "limit_cooldowns",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.drop_table("phone_sends")


def downgrade() -> None:
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
    op.drop_table("limit_cooldowns")
    op.drop_table("limit_counters")
    with op.batch_alter_table("onboarding_flows") as batch:
        batch.drop_column("browser_hash")
