"""Invitations to accounts: the link's secret kept only as a hash, single use, expiring, revocable."""

import sqlalchemy as sa
from alembic import op

revision = "0009_invitations"
down_revision = "0008_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("realm", sa.String(255), nullable=False, index=True),
        sa.Column("org_id", sa.String(64), nullable=False, index=True),
        sa.Column("account_number", sa.String(16), nullable=False),
        sa.Column("account_name", sa.String(255), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("account_role", sa.String(40), nullable=False),
        sa.Column("project_id", sa.String(64), nullable=True),
        sa.Column("project_name", sa.String(255), nullable=True),
        sa.Column("project_role", sa.String(40), nullable=True),
        sa.Column("invited_by", sa.String(64), nullable=False),
        sa.Column("locale", sa.String(5), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_by", sa.String(64), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("invitations")
