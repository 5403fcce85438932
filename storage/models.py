"""The consortium's tables, as SQLAlchemy 2 typed models.

Instants are `UTCDateTime`; wall-clock times of meetings are stored naive next to the IANA
zone they belong to, because recurrence is computed in that zone (see scheduling/).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Consortium(Base):
    """The one consortium this installation serves (a single row)."""

    __tablename__ = "consortium"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    digest_channel: Mapped[str | None] = mapped_column(String(64))
    digest_every: Mapped[str | None] = mapped_column(String(64))
    # When the consortium file was first imported: the schedule as it stood then is the
    # baseline, so the digest never reports that import as news.
    set_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Days off the consortium file adds to the public holidays: {"PT": ["2027-06-13"],
    # "all": ["2027-12-24"]} (ISO dates; "all" is every country's).
    holidays: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The nudges a round gets unless it says otherwise, as written: ["5 working days before"].
    nudges: Mapped[list[Any] | None] = mapped_column(JSON)
    # How long each kind of record is kept, as written: {"deliveries": "90d", "revisions":
    # "2y", "updates": "keep"} (None: the defaults).
    retention: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The Slack workspace the bot is installed in (external members carry their own team_id).
    team_id: Mapped[str | None] = mapped_column(String(32))
    # Set when Slack says the app was uninstalled or its tokens revoked: nothing is sent (or
    # retried into a dead token) until the workspace is active again.
    inactive_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    inactive_reason: Mapped[str | None] = mapped_column(String(64))


class Country(Base):
    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))


class Member(Base):
    """A Slack user the consortium knows, with the countries they speak for and their roles."""

    __tablename__ = "members"

    slack_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    # "channel" (default) or "dm": where this member wants meeting reminders.
    reminder_delivery: Mapped[str] = mapped_column(
        String(16), default="channel", server_default="channel"
    )
    email: Mapped[str | None] = mapped_column(String(254))
    # "email" (calendar invitations sent to `email`) or "off" (the default).
    invitations: Mapped[str] = mapped_column(String(16), default="off", server_default="off")
    # The weekly digest also by DM (opt-in, `/consortium digest dm|off`).
    digest_by_dm: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The first time the bot welcomed this member (None: never, so the next contact welcomes).
    welcomed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last time this member opened the Home tab: only tabs someone has seen are redrawn.
    home_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "08:00-19:00" in the member's zone: when DMs not tied to a meeting may reach them
    # (None: the default hours).
    working_hours: Mapped[str | None] = mapped_column(String(11))
    # The member's own Slack workspace when it is not the bot's (Slack Connect).
    team_id: Mapped[str | None] = mapped_column(String(32))
    # When Slack said the account was deactivated (`user_change` with `deleted`): no DMs go
    # to them, and the coordinators see them flagged.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Since when a DM to this member cannot be opened (an external user the bot may not DM):
    # what would go by DM goes as an ephemeral message in a shared channel instead.
    dm_unreachable_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    countries: Mapped[list[MemberCountry]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="MemberCountry.position"
    )
    roles: Mapped[list[MemberRoleGrant]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="MemberRoleGrant.role"
    )

    @property
    def country_codes(self) -> list[str]:
        return [link.country_code for link in self.countries]

    @property
    def role_names(self) -> list[str]:
        return [grant.role for grant in self.roles]


class MemberCountry(Base):
    __tablename__ = "member_countries"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("members.slack_id", ondelete="CASCADE"), primary_key=True
    )
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    member: Mapped[Member] = relationship(back_populates="countries")


class MemberRoleGrant(Base):
    __tablename__ = "member_roles"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("members.slack_id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    member: Mapped[Member] = relationship(back_populates="roles")


class Channel(Base):
    """A Slack channel by the purpose the consortium gives it (announcements, jour-fixe, ...)."""

    __tablename__ = "channels"

    purpose: Mapped[str] = mapped_column(String(64), primary_key=True)
    slack_channel_id: Mapped[str] = mapped_column(String(32))


class Meeting(Base):
    """A series (or a one-off event): wall-clock start in its own zone plus a recurrence rule."""

    __tablename__ = "meetings"
    __table_args__ = (
        # Cancelled series only (the digest's): a select of live ones keeps its own index.
        Index(
            "ix_meetings_cancelled_at",
            "cancelled_at",
            sqlite_where=text("cancelled_at IS NOT NULL"),
            postgresql_where=text("cancelled_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    import_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    rrule: Mapped[str | None] = mapped_column(Text)
    starts_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    ends_local: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    timezone: Mapped[str] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(Text)
    join_url: Mapped[str | None] = mapped_column(Text)
    channel_purpose: Mapped[str | None] = mapped_column(String(64))
    audience: Mapped[str] = mapped_column(String(255), default="all")
    reminder_minutes: Mapped[list[Any]] = mapped_column(default=list)
    # Days before an occurrence its draft agenda goes to the coordinators (None: the default).
    agenda_days: Mapped[int | None] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Indexed: the digest reads the series created or cancelled since the last one.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(32))
    # When the sweep must next look at this series; indexed so a sweep reads only what is due.
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The start of its next occurrence as of the last change or sweep (None: no more to come; a
    # past instant: stale, worked out again when read), so readers expand only what is shown.
    next_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # When `next_start_at` was worked out (none starts from then until it): a window that
    # begins earlier (a late digest, the button's grace) reads those worked out since, too.
    next_start_as_of: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    exceptions: Mapped[list[MeetingException]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="MeetingException.original_start_local",
    )


class MeetingException(Base):
    """One occurrence of a series that was cancelled or moved, named by its original start."""

    __tablename__ = "meeting_exceptions"
    __table_args__ = (UniqueConstraint("meeting_id", "original_start_local"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    original_start_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    status: Mapped[str] = mapped_column(String(16))
    new_start_local: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    # Indexed: the digest reads the occurrences cancelled or moved since the last one.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    meeting: Mapped[Meeting] = relationship(back_populates="exceptions")


class FeedToken(Base):
    """The secret part of a calendar feed URL: one per member and audience, so one leaked
    link is revoked (its row deleted) without touching anyone else's. Rows without a member
    are the audience-wide links given out before links were personal."""

    __tablename__ = "feed_tokens"
    __table_args__ = (UniqueConstraint("member_id", "audience"),)

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    audience: Mapped[str] = mapped_column(String(255))
    member_id: Mapped[str | None] = mapped_column(
        ForeignKey("members.slack_id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Round(Base):
    """A call for country updates, open from `opens` until `due`."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(500), unique=True)
    opens_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    audience: Mapped[str] = mapped_column(String(255), default="all")
    sections: Mapped[list[Any]] = mapped_column(default=list)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(32))
    # Raised by each closing and reopening: an Undo names the closing it undoes by it.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The nudges that chase missing countries, as written (None: the consortium's default).
    nudges: Mapped[list[Any] | None] = mapped_column(JSON)
    nudges_paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The sweep's index: the earliest instant a nudge of this round is to be queued.
    next_nudge_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class AwayPeriod(Base):
    """A member's days away (`/consortium away`), first and last day included, in their own
    zone: no DM that is not tied to a meeting reaches them then, and their country is not
    counted as missing for their absence alone."""

    __tablename__ = "away_periods"
    __table_args__ = (Index("ix_away_periods_member_last", "member_id", "last_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.slack_id", ondelete="CASCADE"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CountryUpdate(Base):
    """A country's progress update, stored exactly as typed; edits keep a revision each."""

    __tablename__ = "updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[str] = mapped_column(String(32))
    achievements: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    events: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    posted_channel: Mapped[str | None] = mapped_column(String(32))
    posted_ts: Mapped[str | None] = mapped_column(String(32))
    # Raised by every edit; an edit names the version it was made from (compare-and-set).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    revisions: Mapped[list[UpdateRevision]] = relationship(
        back_populates="update", cascade="all, delete-orphan", order_by="UpdateRevision.id"
    )
    # Loaded with the update (selectin), so turning many updates into values reads each once.
    country: Mapped[Country] = relationship(lazy="raise")
    round: Mapped[Round | None] = relationship(lazy="raise")


class UpdateRevision(Base):
    """Who changed which fields of an update, when, and what they said before."""

    __tablename__ = "update_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("updates.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[str] = mapped_column(String(32))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    update: Mapped[CountryUpdate] = relationship(back_populates="revisions")


class Delivery(Base):
    """One message the bot sends on its own initiative, named by its delivery key.

    Queued by the use case that asks for it (in its transaction) or claimed (a unique key)
    before sending, marked sent with Slack's `ts` after; a claim whose lease ran out, or a
    failure, is taken over by the next sweep. So nothing is sent twice and nothing is dropped
    silently, whatever crashes or runs twice.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_status_retry", "status", "next_attempt_at"),
        # The last digest sent to a channel, found without reading every delivery.
        Index("ix_deliveries_kind_channel_status_due", "kind", "channel", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    # Where Slack put it: a DM addressed to a user ID lives in a D… channel.
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A message of several parts (a long digest, a card and its file) goes out part by part;
    # the first part's place is slack_channel/slack_ts as soon as it is posted.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The last try failed in a way that may have reached Slack (a dropped connection, a 5xx):
    # the next one asks Slack for the message before posting it again.
    in_doubt: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Rsvp(Base):
    """A member's answer for one occurrence; answering again replaces it."""

    __tablename__ = "rsvps"
    __table_args__ = (UniqueConstraint("meeting_id", "occurrence_local", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    occurrence_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    member_id: Mapped[str] = mapped_column(String(32))
    answer: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JobRun(Base):
    """When a scheduled job last ran and what it did, for `/consortium status`."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_result: Mapped[str] = mapped_column(Text, default="")


# The records of what happens around an occurrence, and of the workspace's events and
# erasures, live in their own modules; importing them here puts their tables in
# `Base.metadata` wherever the models are loaded.
from storage import meeting_records as _meeting_records  # noqa: E402, F401
from storage.workspace_records import Erasure as Erasure  # noqa: E402
from storage.workspace_records import SlackEvent as SlackEvent  # noqa: E402
