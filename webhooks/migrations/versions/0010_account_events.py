"""Account events: invitations, role changes, removals, projects, for the account's admins."""

import sqlalchemy as sa
from alembic import op

revision = "0010_account_events"
down_revision = "0009_invitations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("realm", sa.String(255), nullable=False),
        sa.Column("org_id", sa.String(64), nullable=False, index=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(320), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("account_events")
