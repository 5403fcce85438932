"""the next start of every meeting series, indexed: `/meeting next`, `/meeting list`, the
digest and the sweep's agenda and attendance steps read the series that start soonest from it
instead of expanding every series

Revision ID: 0014
Revises: 0013
Create Date: 2027-03-01 12:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A start long past marks a series whose next start is not known yet: readers and the sweep
# treat a past value as stale and work it out again (the migration cannot run the domain).
NOT_YET_KNOWN = datetime(1970, 1, 1, tzinfo=UTC)


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_start_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_meetings_next_start_at", ["next_start_at"], unique=False)
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
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_next_start_at")
        batch_op.drop_column("next_start_at")
