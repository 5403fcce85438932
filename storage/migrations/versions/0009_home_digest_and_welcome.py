"""home tab, digest by DM and welcome: when each member first heard from the bot and last opened
the Home tab, whether they take the digest by DM, and when the consortium was first set up (its
first import is the schedule's baseline, not news)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-21 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_by_dm", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("welcomed_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("home_opened_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("consortium", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("set_up_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("consortium", schema=None) as batch_op:
        batch_op.drop_column("set_up_at")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("home_opened_at")
        batch_op.drop_column("welcomed_at")
        batch_op.drop_column("digest_by_dm")
