"""Indexes for forgetting old limit windows and cooldowns without scanning every row, and for finding
the codes awaiting an inbound call by the caller's number."""

from alembic import op

revision = "0013_lookup_indexes"
down_revision = "0012_support_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_limit_counters_window", "limit_counters", ["window"])
    op.create_index("ix_limit_cooldowns_next_at", "limit_cooldowns", ["next_at"])
    op.create_index("ix_one_time_codes_caller", "one_time_codes", ["target", "channel"])


def downgrade() -> None:
    op.drop_index("ix_one_time_codes_caller", "one_time_codes")
    op.drop_index("ix_limit_cooldowns_next_at", "limit_cooldowns")
    op.drop_index("ix_limit_counters_window", "limit_counters")
