"""when each series' next start was worked out, so a window that begins in the past (the
digest sent late, the attendance button's grace) knows which series may have started since;
and the indexes the digest reads what changed through

Revision ID: 0015
Revises: 0014
Create Date: 2027-03-08 12:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As in 0014: a next start long past is stale, worked out again (with the instant it is worked
# out at) by the next sweep or reader; a stored next start whose instant is not known is not
# to be trusted for a window that begins before it was worked out.
NOT_YET_KNOWN = datetime(1970, 1, 1, tzinfo=UTC)


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_start_as_of", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_meetings_next_start_as_of", ["next_start_as_of"], unique=False)
        batch_op.create_index("ix_meetings_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_meetings_cancelled_at",
            ["cancelled_at"],
            unique=False,
            sqlite_where=sa.text("cancelled_at IS NOT NULL"),
            postgresql_where=sa.text("cancelled_at IS NOT NULL"),
        )
    with op.batch_alter_table("meeting_exceptions", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_exceptions_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("occurrence_links", schema=None) as batch_op:
        batch_op.create_index("ix_occurrence_links_created_at", ["created_at"], unique=False)
    meetings = sa.table(
        "meetings",
        sa.column("next_start_at", storage.types.UTCDateTime(timezone=True)),
        sa.column("cancelled_at", storage.types.UTCDateTime(timezone=True)),
    )
    op.execute(
        meetings.update()
        .where(meetings.c.cancelled_at.is_(None))
        .values(next_start_at=NOT_YET_KNOWN)
    )


def downgrade() -> None:
    with op.batch_alter_table("occurrence_links", schema=None) as batch_op:
        batch_op.drop_index("ix_occurrence_links_created_at")
    with op.batch_alter_table("meeting_exceptions", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_exceptions_created_at")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_cancelled_at")
        batch_op.drop_index("ix_meetings_created_at")
        batch_op.drop_index("ix_meetings_next_start_as_of")
        batch_op.drop_column("next_start_as_of")
