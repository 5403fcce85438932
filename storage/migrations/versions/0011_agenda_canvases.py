"""agenda canvases: the channel canvas an agenda was also written to, so the next agenda in
that channel replaces it rather than making another

Revision ID: 0011
Revises: 0010
Create Date: 2027-01-04 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agendas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("canvas_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agendas", schema=None) as batch_op:
        batch_op.drop_column("canvas_id")
