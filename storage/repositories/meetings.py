"""Meeting series with their cancelled and moved occurrences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Row, Select, func, literal, or_, select, update
from sqlalchemy.orm import Session, selectinload

from storage.models import Meeting, MeetingException

# What a series is made of (not how it was imported, or where the sweep stands).
_SERIES_COLUMNS = [
    column
    for column in Meeting.__table__.columns
    if column.name not in ("import_key", "created_by", "next_reminder_at", "next_start_at")
]


class AudienceFilter(NamedTuple):
    """The stored audiences to read: these groups (`all`, `core`, …), and the lists of
    countries (`countries:AT,FI`, any case) that name one of these codes."""

    groups: Sequence[str]
    codes: Sequence[str]


_LISTED_PREFIX = "COUNTRIES:"


def _for_audiences(query: Select[Any], audiences: AudienceFilter | None) -> Select[Any]:
    if audiences is None:
        return query
    stored = func.upper(Meeting.audience)
    # `,AT,FI,` holds `,FI,`: a code matches a whole entry of the list, never part of one.
    listed = literal(",").concat(func.substr(stored, len(_LISTED_PREFIX) + 1)).concat(",")
    matches: list[ColumnElement[bool]] = [Meeting.audience.in_(audiences.groups)]
    matches += [
        stored.startswith(_LISTED_PREFIX) & listed.contains(f",{code.upper()},")
        for code in audiences.codes
    ]
    return query.where(or_(*matches))


class MeetingRows(NamedTuple):
    """Meetings as rows (the columns of `Meeting`), and their exceptions by meeting id."""

    meetings: Sequence[Row[Any]]
    exceptions: dict[int, list[Row[Any]]]


class MeetingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, meeting_id: int) -> Meeting | None:
        return self.session.scalars(
            select(Meeting)
            .where(Meeting.id == meeting_id)
            .options(selectinload(Meeting.exceptions))
        ).first()

    def get_to_change(self, meeting_id: int) -> Meeting | None:
        """The meeting, locked until the transaction ends (PostgreSQL's FOR UPDATE; SQLite's
        writers already take turns): two changes at once each raise the invite's SEQUENCE."""
        return self.session.scalars(
            select(Meeting)
            .where(Meeting.id == meeting_id)
            .options(selectinload(Meeting.exceptions))
            .with_for_update()
        ).first()

    def by_import_key(self, key: str) -> Meeting | None:
        return self.session.scalars(
            select(Meeting)
            .where(Meeting.import_key == key)
            .options(selectinload(Meeting.exceptions))
        ).first()

    def same_live(
        self, kind: str, title: str, starts_local: datetime, rrule: str | None
    ) -> Meeting | None:
        """A live meeting of that kind and title starting then on the same rule: the one a
        form or a button pressed twice would schedule again."""
        return self.session.scalars(
            select(Meeting).where(
                Meeting.kind == kind,
                Meeting.title == title,
                Meeting.starts_local == starts_local,
                Meeting.rrule.is_(None) if rrule is None else Meeting.rrule == rrule,
                Meeting.cancelled_at.is_(None),
            )
        ).first()

    def starting_from(
        self,
        now: datetime,
        after: tuple[datetime, int] | None,
        limit: int,
        kind: str | None,
        audiences: AudienceFilter | None = None,
    ) -> Sequence[Meeting]:
        """Live series in the order of their indexed next start at or after `now`, from just
        after `after` (a next start and an id, where the last page ended), at most `limit`;
        of a kind, and for some audiences, when given."""
        query = select(Meeting).where(Meeting.cancelled_at.is_(None), Meeting.next_start_at >= now)
        if after is not None:
            start, meeting_id = after
            query = query.where(
                (Meeting.next_start_at > start)
                | ((Meeting.next_start_at == start) & (Meeting.id > meeting_id))
            )
        if kind is not None:
            query = query.where(Meeting.kind == kind)
        query = _for_audiences(query, audiences)
        query = query.order_by(Meeting.next_start_at, Meeting.id).limit(limit)
        return self.session.scalars(query.options(selectinload(Meeting.exceptions))).all()

    def started_before(
        self, now: datetime, kind: str | None = None, audiences: AudienceFilter | None = None
    ) -> Sequence[Meeting]:
        """Live series whose indexed next start has passed: stale until the sweep moves them
        on, so a reader works their next start out again (few: the sweep runs every minute)."""
        query = select(Meeting).where(Meeting.cancelled_at.is_(None), Meeting.next_start_at < now)
        if kind is not None:
            query = query.where(Meeting.kind == kind)
        query = _for_audiences(query, audiences)
        query = query.order_by(Meeting.id).options(selectinload(Meeting.exceptions))
        return self.session.scalars(query).all()

    def set_next_starts(self, next_at: Mapping[int, tuple[datetime | None, int]]) -> None:
        """Move each series' next start on, unless the series changed (its SEQUENCE moved on)
        since the value was computed: a change sets it itself."""
        for meeting_id, (instant, sequence) in next_at.items():
            self.session.execute(
                update(Meeting)
                .where(Meeting.id == meeting_id, Meeting.sequence == sequence)
                .values(next_start_at=instant)
            )

    def not_starting(self, limit: int) -> Sequence[Meeting]:
        """Up to `limit` live series with no occurrence to come (no indexed next start), by
        id."""
        query = select(Meeting).where(
            Meeting.cancelled_at.is_(None), Meeting.next_start_at.is_(None)
        )
        query = query.order_by(Meeting.id).limit(limit).options(selectinload(Meeting.exceptions))
        return self.session.scalars(query).all()

    def live_page(self, after_id: int | None, limit: int) -> Sequence[Meeting]:
        """Live series in the order of their ids, from just after `after_id`, at most
        `limit`: a page of `/meeting list`."""
        query = select(Meeting).where(Meeting.cancelled_at.is_(None))
        if after_id is not None:
            query = query.where(Meeting.id > after_id)
        query = query.order_by(Meeting.id).limit(limit).options(selectinload(Meeting.exceptions))
        return self.session.scalars(query).all()

    def count_live(self, after_id: int | None = None) -> int:
        """How many series are live (of those after `after_id`, when given)."""
        query = select(func.count()).select_from(Meeting).where(Meeting.cancelled_at.is_(None))
        if after_id is not None:
            query = query.where(Meeting.id > after_id)
        return self.session.scalar(query) or 0

    def all(self, *, include_cancelled: bool = False) -> Sequence[Meeting]:
        query = select(Meeting).options(selectinload(Meeting.exceptions)).order_by(Meeting.id)
        if not include_cancelled:
            query = query.where(Meeting.cancelled_at.is_(None))
        return self.session.scalars(query).all()

    def as_rows(self) -> MeetingRows:
        """Every meeting, cancelled ones too, and every cancelled or moved occurrence, as
        plain rows in two queries: for reads of all of them that need no objects (the
        digest), which costs a fraction of building each as an object."""
        meetings = (
            self.session.connection().execute(select(*_SERIES_COLUMNS).order_by(Meeting.id)).all()
        )
        exceptions: dict[int, list[Row[Any]]] = {}
        for row in self.session.connection().execute(
            select(*MeetingException.__table__.columns).order_by(
                MeetingException.meeting_id, MeetingException.original_start_local
            )
        ):
            exceptions.setdefault(row.meeting_id, []).append(row)
        return MeetingRows(meetings, exceptions)

    def is_live(self, meeting_id: int) -> bool:
        """Whether the series exists and is not cancelled."""
        return (
            self.session.scalar(
                select(Meeting.id).where(Meeting.id == meeting_id, Meeting.cancelled_at.is_(None))
            )
            is not None
        )

    def due_for_reminders(self, now: datetime) -> Sequence[Meeting]:
        """Live series whose next reminder is due by `now` (the indexed `next_reminder_at`)."""
        return self.session.scalars(
            select(Meeting)
            .where(Meeting.next_reminder_at <= now, Meeting.cancelled_at.is_(None))
            .options(selectinload(Meeting.exceptions))
        ).all()

    def first_reminder_at(self) -> datetime | None:
        """The earliest next reminder of any live series."""
        return self.session.scalar(
            select(func.min(Meeting.next_reminder_at)).where(Meeting.cancelled_at.is_(None))
        )

    def set_next_reminders(self, next_at: Mapping[int, tuple[datetime | None, int]]) -> None:
        """Move each series' sweep index on, unless the series changed (its SEQUENCE moved
        on) since the value was computed: a change sets the index itself."""
        for meeting_id, (instant, sequence) in next_at.items():
            self.session.execute(
                update(Meeting)
                .where(Meeting.id == meeting_id, Meeting.sequence == sequence)
                .values(next_reminder_at=instant)
            )

    def add(self, meeting: Meeting) -> None:
        self.session.add(meeting)
        self.session.flush()
