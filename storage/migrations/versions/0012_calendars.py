"""calendars: the consortium's own days off and default nudges, each member's working hours
and away periods, and each round's nudges (their rules, a pause, and the sweep's index)

Revision ID: 0012
Revises: 0011
Create Date: 2027-01-11 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consortium", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holidays", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("nudges", sa.JSON(), nullable=True))
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("working_hours", sa.String(length=11), nullable=True))
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nudges", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("nudges_paused", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("next_nudge_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_rounds_next_nudge_at", ["next_nudge_at"], unique=False)
    op.create_table(
        "away_periods",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.String(length=32), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.slack_id"],
            name=op.f("fk_away_periods_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_away_periods")),
    )
    with op.batch_alter_table("away_periods", schema=None) as batch_op:
        batch_op.create_index(
            "ix_away_periods_member_last", ["member_id", "last_day"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("away_periods", schema=None) as batch_op:
        batch_op.drop_index("ix_away_periods_member_last")
    op.drop_table("away_periods")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_rounds_next_nudge_at")
        batch_op.drop_column("next_nudge_at")
        batch_op.drop_column("nudges_paused")
        batch_op.drop_column("nudges")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("working_hours")
    with op.batch_alter_table("consortium", schema=None) as batch_op:
        batch_op.drop_column("nudges")
        batch_op.drop_column("holidays")
