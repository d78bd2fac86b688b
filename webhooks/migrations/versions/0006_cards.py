"""Card binding: bindings (one per form submission), the bound card (gateway token, brand, last four
digits, expiry, fingerprint: never the number or the CVC), the sandbox gateway's own records, and the
balance ledger."""

import sqlalchemy as sa
from alembic import op

revision = "0006_cards"
down_revision = "0005_code_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_bindings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("realm", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("attempt_id", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decline_code", sa.String(32), nullable=True),
        sa.Column("payment_id", sa.String(64), nullable=True),
        sa.Column("card_token", sa.String(64), nullable=True),
        sa.Column("brand", sa.String(16), nullable=True),
        sa.Column("last4", sa.String(4), nullable=True),
        sa.Column("exp_month", sa.Integer, nullable=True),
        sa.Column("exp_year", sa.Integer, nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=True),
        sa.Column("amount_minor", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("realm", "user_id", "attempt_id"),
    )
    op.create_table(
        "bound_cards",
        sa.Column("realm", sa.String(255), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("gateway", sa.String(16), nullable=False),
        sa.Column("card_token", sa.String(64), nullable=False),
        sa.Column("brand", sa.String(16), nullable=False),
        sa.Column("last4", sa.String(4), nullable=False),
        sa.Column("exp_month", sa.Integer, nullable=False),
        sa.Column("exp_year", sa.Integer, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sandbox_cards",
        sa.Column("token", sa.String(40), primary_key=True),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("funding", sa.String(16), nullable=False),
    )
    op.create_table(
        "sandbox_payments",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("card_token", sa.String(40), nullable=False),
        sa.Column("amount_minor", sa.Integer, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("decline_code", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("realm", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reference", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("realm", "reference"),
    )


def downgrade() -> None:
    for table in ("ledger_entries", "sandbox_payments", "sandbox_cards", "bound_cards", "card_bindings"):
        op.drop_table(table)
