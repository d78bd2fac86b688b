"""Auto top-up choices; what the Stripe adapter needs kept: the customer a card is attached to, the
bank's 3-D Secure page while a payment waits on it, and room for the gateway's longer ids."""

import sqlalchemy as sa
from alembic import op

revision = "0007_top_up_and_stripe"
down_revision = "0006_cards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auto_top_ups",
        sa.Column("realm", sa.String(255), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("threshold_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("card_bindings") as table:
        table.add_column(sa.Column("challenge_url", sa.String(2048), nullable=True))
        table.add_column(sa.Column("customer", sa.String(255), nullable=True))
        table.alter_column("card_token", type_=sa.String(255), existing_nullable=True)
        table.alter_column("payment_id", type_=sa.String(255), existing_nullable=True)
    with op.batch_alter_table("bound_cards") as table:
        table.add_column(sa.Column("customer", sa.String(255), nullable=True))
        table.alter_column("card_token", type_=sa.String(255), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("bound_cards") as table:
        table.drop_column("customer")
    with op.batch_alter_table("card_bindings") as table:
        table.drop_column("customer")
        table.drop_column("challenge_url")
    op.drop_table("auto_top_ups")
