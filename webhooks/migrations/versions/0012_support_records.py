"""Support records: who ran which support action on whom, and when."""

import sqlalchemy as sa
from alembic import op

from webhooks.db import UtcDateTime

revision = "0012_support_records"
down_revision = "0011_personal_access_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "support_records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("realm", sa.String(255), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(320), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_support_records_realm_subject", "support_records", ["realm", "subject"])


def downgrade() -> None:
    op.drop_index("ix_support_records_realm_subject", "support_records")
    op.drop_table("support_records")
