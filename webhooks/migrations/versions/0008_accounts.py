"""Accounts a sign-up opened: the reserved number, then the organization Keycloak gave it."""

import sqlalchemy as sa
from alembic import op

revision = "0008_accounts"
down_revision = "0007_top_up_and_stripe"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("realm", sa.String(255), nullable=False),
        sa.Column("account_number", sa.String(16), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("origin", sa.String(100), nullable=False),
        sa.Column("org_id", sa.String(64), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("realm", "account_number"),
        sa.UniqueConstraint("realm", "origin"),
    )


def downgrade() -> None:
    op.drop_table("accounts")
