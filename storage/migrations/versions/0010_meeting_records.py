"""meeting records: topics and their support, agendas, attendance, links to minutes, action
items; and each meeting's agenda lead time

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-28 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, storage.types.UTCDateTime(timezone=True), nullable=nullable)


def _occurrence() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column(
            "meeting_id",
            sa.Integer(),
            sa.ForeignKey(
                "meetings.id",
                ondelete="CASCADE",
                name=None,
            ),
            nullable=False,
        ),
        sa.Column("occurrence_local", sa.DateTime(timezone=False), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agenda_days", sa.Integer(), nullable=True))
    op.create_table(
        "meeting_topics",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_occurrence(),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("proposed_by", sa.String(length=32), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        _utc("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_topics")),
    )
    op.create_index(
        "ix_meeting_topics_occurrence", "meeting_topics", ["meeting_id", "occurrence_local"]
    )
    op.create_table(
        "topic_supports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(
            "topic_id",
            sa.Integer(),
            sa.ForeignKey("meeting_topics.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("member_id", sa.String(length=32), nullable=False),
        _utc("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic_supports")),
        sa.UniqueConstraint("topic_id", "country_code", name=op.f("uq_topic_supports_topic_id")),
    )
    op.create_index(op.f("ix_topic_supports_topic_id"), "topic_supports", ["topic_id"])
    op.create_table(
        "agendas",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_occurrence(),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _utc("drafted_at"),
        _utc("published_at"),
        sa.Column("published_by", sa.String(length=32), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        _utc("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agendas")),
        sa.UniqueConstraint("meeting_id", "occurrence_local", name=op.f("uq_agendas_meeting_id")),
    )
    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_occurrence(),
        sa.Column("person_key", sa.String(length=320), nullable=False),
        sa.Column("member_id", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("guest", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=True),
        _utc("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint(
            "meeting_id", "occurrence_local", "person_key", name=op.f("uq_attendance_meeting_id")
        ),
    )
    op.create_index("ix_attendance_occurrence", "attendance", ["meeting_id", "occurrence_local"])
    op.create_table(
        "occurrence_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_occurrence(),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("added_by", sa.String(length=32), nullable=False),
        _utc("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occurrence_links")),
    )
    op.create_index(
        "ix_occurrence_links_occurrence", "occurrence_links", ["meeting_id", "occurrence_local"]
    )
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("member_id", sa.String(length=32), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "meeting_id",
            sa.Integer(),
            sa.ForeignKey("meetings.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("occurrence_local", sa.DateTime(timezone=False), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        _utc("done_at"),
        sa.Column("done_by", sa.String(length=32), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        _utc("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    op.create_index("ix_action_items_status_country", "action_items", ["status", "country_code"])
    op.create_index(op.f("ix_action_items_meeting_id"), "action_items", ["meeting_id"])


def downgrade() -> None:
    for table in ("action_items", "occurrence_links", "attendance", "agendas"):
        op.drop_table(table)
    op.drop_table("topic_supports")
    op.drop_table("meeting_topics")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("agenda_days")
