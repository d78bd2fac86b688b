"""Processed Keycloak events and reconciler checkpoints."""

import sqlalchemy as sa
from alembic import op

revision = "0002_events"
down_revision = "0001_dev_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "processed_events",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("realm", sa.String(255), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("type", sa.String(64), nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=True),
        sa.Column("occurred_at_ms", sa.BigInteger, nullable=False),
        sa.Column("received_via", sa.String(8), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reconcile_checkpoints",
        sa.Column("realm", sa.String(255), primary_key=True),
        sa.Column("last_event_ms", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reconcile_checkpoints")
    op.drop_table("processed_events")
