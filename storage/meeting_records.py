"""What happens around one occurrence of a meeting: the topics countries propose and support,
its agenda, who attended, the links to its minutes, notes, recordings and slides, and the
action items that come out of it.

Every record names its occurrence as RSVPs do: the series and the wall-clock start the
occurrence had before any move (`occurrence_local`), so a moved occurrence keeps its topics,
agenda, attendance and actions without any of them being rewritten.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.types import UTCDateTime

MAX_TOPIC_LENGTH = 300
MAX_ACTION_LENGTH = 500
MAX_URL_LENGTH = 2000


class Topic(Base):
    """A topic a member proposed for an occurrence; coordinators order, merge or drop it."""

    __tablename__ = "meeting_topics"
    __table_args__ = (Index("ix_meeting_topics_occurrence", "meeting_id", "occurrence_local"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    occurrence_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    title: Mapped[str] = mapped_column(String(MAX_TOPIC_LENGTH))
    proposed_by: Mapped[str] = mapped_column(String(32))
    country_code: Mapped[str | None] = mapped_column(String(2))
    # "proposed", "dropped" or "merged" (into `merged_into`).
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    merged_into: Mapped[int | None] = mapped_column(Integer)
    # The coordinators' order (lower first); None: by support, then by age.
    position: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TopicSupport(Base):
    """One country's support for a topic (one vote per country, whoever of it clicked)."""

    __tablename__ = "topic_supports"
    __table_args__ = (UniqueConstraint("topic_id", "country_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_topics.id", ondelete="CASCADE"), index=True
    )
    country_code: Mapped[str] = mapped_column(String(2))
    member_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Agenda(Base):
    """An occurrence's agenda: drafted for the coordinators, edited, published to the
    meeting's channel and kept up to date there in place."""

    __tablename__ = "agendas"
    __table_args__ = (UniqueConstraint("meeting_id", "occurrence_local"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    occurrence_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    # The agenda as the coordinator left it: a list of items, each a dict of plain values.
    items: Mapped[list[Any]] = mapped_column(default=list)
    text: Mapped[str] = mapped_column(Text, default="")
    drafted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    # The channel's canvas the agenda was also written to (where the workspace allows them).
    canvas_id: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attendance(Base):
    """Someone who was at an occurrence: a member (by button, marked by a coordinator or
    matched in an imported participants report) or a guest the report named."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "occurrence_local", "person_key"),
        Index("ix_attendance_occurrence", "meeting_id", "occurrence_local"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    occurrence_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    # The member's Slack ID, or `guest:<e-mail or name>` for someone not in the consortium.
    person_key: Mapped[str] = mapped_column(String(320))
    member_id: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    country_code: Mapped[str | None] = mapped_column(String(2))
    # "button", "marked" or "import".
    source: Mapped[str] = mapped_column(String(16))
    guest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    recorded_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OccurrenceLink(Base):
    """A link to an occurrence's minutes, notes, recording or slides in the sharing space."""

    __tablename__ = "occurrence_links"
    __table_args__ = (Index("ix_occurrence_links_occurrence", "meeting_id", "occurrence_local"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    occurrence_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    url: Mapped[str] = mapped_column(String(MAX_URL_LENGTH))
    # "minutes", "notes", "recording" or "slides".
    kind: Mapped[str] = mapped_column(String(16))
    added_by: Mapped[str] = mapped_column(String(32))
    # Indexed: the digest lists the links added since the last one.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ActionItem(Base):
    """Something a country or a member is to do, perhaps by a date, perhaps from a meeting;
    open until it is marked done (with an optional note)."""

    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_status_country", "status", "country_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(String(MAX_ACTION_LENGTH))
    country_code: Mapped[str | None] = mapped_column(String(2))
    member_id: Mapped[str | None] = mapped_column(String(32))
    due_on: Mapped[date | None] = mapped_column(Date)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    occurrence_local: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    # "open" or "done".
    status: Mapped[str] = mapped_column(String(8), default="open")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(32))
    done_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
