"""Personal access tokens: only the secret's SHA-256 is kept."""

import sqlalchemy as sa
from alembic import op

from webhooks.db import UtcDateTime

revision = "0011_personal_access_tokens"
down_revision = "0010_account_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "personal_access_tokens",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("realm", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("hint", sa.String(4), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=True, index=True),
        sa.Column("role", sa.String(64), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("last_used_at", UtcDateTime, nullable=True),
        sa.Column("revoked_at", UtcDateTime, nullable=True),
        sa.Column("revoked_by", sa.String(64), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("personal_access_tokens")
