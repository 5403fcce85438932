"""personal data and the workspace's lifecycle: retention settings, the workspace's team and
whether it is active, members' own workspaces, deactivation and unreachable DMs, personal
feed links (a token per member and audience), handled Slack events, and erasures

Revision ID: 0013
Revises: 0012
Create Date: 2027-02-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consortium", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("team_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("inactive_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("inactive_reason", sa.String(length=64), nullable=True))
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("dm_unreachable_since", sa.DateTime(timezone=True), nullable=True)
        )
    # The audience-wide links given out so far stay valid (member_id NULL): subscribed
    # calendars keep working, and coordinators can revoke them all at once.
    with op.batch_alter_table("feed_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("member_id", sa.String(length=32), nullable=True))
        batch_op.drop_constraint("uq_feed_tokens_audience", type_="unique")
        batch_op.create_unique_constraint("uq_feed_tokens_member_id", ["member_id", "audience"])
        batch_op.create_index("ix_feed_tokens_member_id", ["member_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_feed_tokens_member_id_members",
            "members",
            ["member_id"],
            ["slack_id"],
            ondelete="CASCADE",
        )
    op.create_table(
        "slack_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_slack_events")),
    )
    with op.batch_alter_table("slack_events", schema=None) as batch_op:
        batch_op.create_index("ix_slack_events_received_at", ["received_at"], unique=False)
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("country_codes", sa.String(length=255), nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )


def downgrade() -> None:
    op.drop_table("erasures")
    with op.batch_alter_table("slack_events", schema=None) as batch_op:
        batch_op.drop_index("ix_slack_events_received_at")
    op.drop_table("slack_events")
    # Personal links cannot all be kept under one-link-per-audience: they go.
    op.execute("DELETE FROM feed_tokens WHERE member_id IS NOT NULL")
    with op.batch_alter_table("feed_tokens", schema=None) as batch_op:
        batch_op.drop_constraint("fk_feed_tokens_member_id_members", type_="foreignkey")
        batch_op.drop_index("ix_feed_tokens_member_id")
        batch_op.drop_constraint("uq_feed_tokens_member_id", type_="unique")
        batch_op.create_unique_constraint("uq_feed_tokens_audience", ["audience"])
        batch_op.drop_column("member_id")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("dm_unreachable_since")
        batch_op.drop_column("deactivated_at")
        batch_op.drop_column("team_id")
    with op.batch_alter_table("consortium", schema=None) as batch_op:
        batch_op.drop_column("inactive_reason")
        batch_op.drop_column("inactive_since")
        batch_op.drop_column("team_id")
        batch_op.drop_column("retention")
