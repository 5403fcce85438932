"""Meeting series with their cancelled and moved occurrences."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import BindParameter

from storage.models import Meeting, MeetingException
from storage.types import UTCDateTime

# What a series is made of (not how it was imported, or where the sweep stands).
_SERIES_COLUMNS = [
    column
    for column in Meeting.__table__.columns
    if column.name
    not in ("import_key", "created_by", "next_reminder_at", "next_start_at", "next_start_as_of")
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

    def set_next_starts(
        self, next_at: Mapping[int, tuple[datetime | None, int]], as_of: datetime
    ) -> None:
        """Move each series' next start on (worked out `as_of` then), unless the series
        changed (its SEQUENCE moved on) since the value was computed: a change sets it itself."""
        for meeting_id, (instant, sequence) in next_at.items():
            self.session.execute(
                update(Meeting)
                .where(Meeting.id == meeting_id, Meeting.sequence == sequence)
                .values(next_start_at=instant, next_start_as_of=as_of)
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

    def may_start_between(
        self,
        first: datetime,
        end: datetime,
        *,
        timed_only: bool = False,
        kinds: Sequence[str] | None = None,
        own_agenda_lead: bool | None = None,
    ) -> Sequence[Meeting]:
        """Live series that may have an occurrence starting in [first, end), in id order, read
        through the next-start indexes: every other has none (see `_may_start_between`).
        `timed_only` leaves all-day ones out; `kinds` keeps those kinds; `own_agenda_lead`
        keeps those with (True) or without (False) a draft agenda lead of their own."""
        query = (
            _filtered(select(Meeting), timed_only, kinds, own_agenda_lead)
            .where(_may_start_between(first, end))
            .options(selectinload(Meeting.exceptions))
        )
        # Sorted here: ordered by id in SQL, SQLite would rather scan the table in id order.
        return sorted(self.session.scalars(query), key=lambda meeting: meeting.id)

    def first_next_start_between(
        self,
        after: datetime,
        end: datetime,
        *,
        timed_only: bool = False,
        kinds: Sequence[str] | None = None,
        own_agenda_lead: bool | None = None,
    ) -> datetime | None:
        """The earliest stored next start of a live series in (after, end): the first start
        after `after` of every series whose next start was worked out by then, and a start
        of its series for any other (those `may_start_between(after, after)` reads)."""
        # In the index's order, the first that qualifies (`min()` would read the whole range).
        query = (
            _filtered(select(Meeting.next_start_at), timed_only, kinds, own_agenda_lead)
            .where(
                Meeting.cancelled_at.is_(None),
                Meeting.next_start_at > after,
                Meeting.next_start_at < end,
            )
            .order_by(Meeting.next_start_at)
            .limit(1)
        )
        found: datetime | None = self.session.scalar(query)
        return found

    def rows_for_digest(
        self, first: datetime, end: datetime, since: datetime, until: datetime
    ) -> MeetingRows:
        """As plain rows (two queries, through indexes), the series the digest of (since,
        until] with its upcoming [first, end) reads: the live ones that may start in [first,
        end), and those created, cancelled, or with an occurrence cancelled or moved in
        (since, until]; each with all its cancelled and moved occurrences."""
        meetings_query, exceptions_query = _DIGEST_QUERIES
        values = {"first": first, "end": end, "since": since, "until": until}
        return self._rows(meetings_query, exceptions_query, values)

    def titles(self, meeting_ids: Collection[int]) -> dict[int, str]:
        """The titles of these meetings (cancelled ones too), by id."""
        if not meeting_ids:
            return {}
        rows = self.session.execute(
            select(Meeting.id, Meeting.title).where(Meeting.id.in_(sorted(meeting_ids)))
        )
        return {meeting_id: title for meeting_id, title in rows}

    def all(self, *, include_cancelled: bool = False) -> Sequence[Meeting]:
        query = select(Meeting).options(selectinload(Meeting.exceptions)).order_by(Meeting.id)
        if not include_cancelled:
            query = query.where(Meeting.cancelled_at.is_(None))
        return self.session.scalars(query).all()

    def as_rows(self) -> MeetingRows:
        """Every meeting, cancelled ones too, and every cancelled or moved occurrence, as
        plain rows in two queries: for reads of all of them that need no objects, which
        costs a fraction of building each as an object."""
        return self._rows(*_rows_queries(None))

    def _rows(
        self,
        meetings_query: Select[Any],
        exceptions_query: Select[Any],
        values: Mapping[str, Any] | None = None,
    ) -> MeetingRows:
        connection = self.session.connection()
        meetings = connection.execute(meetings_query, values).all()
        exceptions: dict[int, list[Row[Any]]] = {}
        for row in connection.execute(exceptions_query, values):
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


def _may_start_between(
    first: datetime | BindParameter[datetime], end: datetime | BindParameter[datetime]
) -> ColumnElement[bool]:
    """Whether a live series may have an occurrence starting in [first, end): none starts
    from when its next start was worked out (`next_start_as_of`) until that start, so one
    that does either starts at or after its next start (which is then before `end`: a stale
    one, whose next start has passed, always is) or before it was worked out (after `first`).
    A series whose next start was never worked out may start any time."""
    return and_(
        Meeting.cancelled_at.is_(None),
        or_(
            Meeting.next_start_at < end,
            Meeting.next_start_as_of > first,
            Meeting.next_start_as_of.is_(None),
        ),
    )


def _filtered(
    query: Select[Any],
    timed_only: bool,
    kinds: Sequence[str] | None,
    own_agenda_lead: bool | None,
) -> Select[Any]:
    if timed_only:
        query = query.where(Meeting.all_day.is_(False))
    if kinds is not None:
        query = query.where(Meeting.kind.in_(kinds))
    if own_agenda_lead is not None:
        lead = Meeting.agenda_days
        query = query.where(lead.is_not(None) if own_agenda_lead else lead.is_(None))
    return query


def _rows_queries(ids: Select[Any] | None) -> tuple[Select[Any], Select[Any]]:
    """The meetings whose ids `ids` selects (all when None), and their exceptions."""
    meetings_query = select(*_SERIES_COLUMNS).order_by(Meeting.id)
    exceptions_query = select(*MeetingException.__table__.columns).order_by(
        MeetingException.meeting_id, MeetingException.original_start_local
    )
    if ids is None:
        return meetings_query, exceptions_query
    return (
        meetings_query.where(Meeting.id.in_(ids)),
        exceptions_query.where(MeetingException.meeting_id.in_(ids)),
    )


def _digest_ids() -> Select[Any]:
    """The ids of the series the digest reads (see `rows_for_digest`), its instants bound."""
    first, end, since, until = (
        bindparam(name, type_=UTCDateTime) for name in ("first", "end", "since", "until")
    )
    ids = union(
        select(Meeting.id).where(_may_start_between(first, end)),
        select(Meeting.id).where(Meeting.created_at > since, Meeting.created_at <= until),
        select(Meeting.id).where(Meeting.cancelled_at > since, Meeting.cancelled_at <= until),
        select(MeetingException.meeting_id).where(
            MeetingException.created_at > since, MeetingException.created_at <= until
        ),
    ).subquery()
    return select(ids.c[0])


# Built once: making a statement this size costs more than running it on a small consortium.
_DIGEST_QUERIES = _rows_queries(_digest_ids())
