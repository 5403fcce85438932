"""Scheduling meetings: create series and one-off events, list them, cancel or move single
occurrences, edit fields. Every significant change raises the series' SEQUENCE.

Each use case is one transaction. A change queues its announcement (card and calendar file)
in the outbox in that same transaction (`scheduling/delivery/announcements.py`) and returns
the series as changed, the occurrence to show and the announcement's delivery key.
Changes are for coordinators; the service checks that itself, whatever door it came through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property

from scheduling.clock import Clock
from scheduling.consortium.directory import MemberProfile
from scheduling.consortium.importer import new_series_uid
from scheduling.delivery.announcements import QueuedAnnouncement
from scheduling.delivery.mails import queue_change_messages
from scheduling.delivery.notices import Announced, AnnouncementFacts
from scheduling.durations import check_planning_date
from scheduling.errors import NotAllowedError
from scheduling.meetings import cancels
from scheduling.meetings.changes import original_on, record_exception, touch
from scheduling.meetings.defaults import (
    DEFAULT_ZONE,
    ScheduleRequest,
    Upcoming,
    audiences_concerning,
    channel_id,
    check_zone,
    concerns,
    first_start,
    next_working_day,
    resolve_channel,
    upcoming_for,
)
from scheduling.meetings.edits import (
    MeetingError,
    apply_edit,
    check_duration,
    check_link,
    check_location,
    check_title,
    editable_field,
    parse_reminders,
)
from scheduling.meetings.mapping import (
    refresh_next_instants,
    series_not_starting,
    series_page,
    series_starting_soonest,
    to_series,
)
from scheduling.meetings.occurrences import (
    MOVED,
    Occurrence,
    Series,
    next_of,
    occurrence_on,
)
from scheduling.meetings.recurrence import (
    WallClockError,
    check_series_wall_clock,
    check_wall_clock,
)
from scheduling.paging import Key, Page
from scheduling.vocabulary import MeetingKind, VocabularyError
from scheduling.workdays.checks import audience_holidays
from storage.db import Database
from storage.models import Meeting
from storage.repositories import UnitOfWork

__all__ = [
    "DEFAULT_ZONE",
    "MeetingChange",
    "MeetingError",
    "MeetingService",
    "ScheduleRequest",
    "check_zone",
]


@dataclass(frozen=True)
class MeetingChange:
    """What a change did, with everything the message and the invite that announce it need."""

    series: Series
    occurrence_local: datetime | None = None
    new_local: datetime | None = None
    cancelled: bool = False
    channel: str | None = None  # the Slack channel to announce in, if any
    consortium: str = "Consortium"
    as_of: datetime | None = None  # when the change was made
    announcement: str | None = None  # the queued announcement's delivery key (None: no channel)
    invitations: tuple[str, ...] = ()  # the queued invitations by e-mail, one per member
    quiet: bool = False  # changed only what nobody is told about (reminders): nothing to post
    undo: cancels.CancelTicket | None = None  # what undoes a cancellation

    @cached_property
    def shown(self) -> Occurrence | None:
        """The occurrence the announcement shows: the moved one, else the next (none for a
        cancellation). Worked out when asked, outside the change's transaction."""
        if self.cancelled or self.as_of is None:
            return None
        moved = occurrence_on(self.series, self.new_local.date()) if self.new_local else None
        return moved or next_of(self.series, self.as_of)


# `/meeting next` shows this many occurrences; a page of `/meeting list` this many series.
UPCOMING_SHOWN = 10
LISTED_SHOWN = 20


class MeetingService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        uid_factory: Callable[[], str] = new_series_uid,
        *,
        invitations_by_mail: bool = False,
    ) -> None:
        self.database = database
        self.clock = clock
        self.uid_factory = uid_factory
        # Only when the bot can send e-mail does a change queue invitations by e-mail.
        self.invitations_by_mail = invitations_by_mail

    # -- reading ---------------------------------------------------------------------------

    def get(self, meeting_id: int, *, include_cancelled: bool = False) -> Series:
        with self.database.read() as work:
            meeting = work.meetings.get(meeting_id)
            if meeting is None or (meeting.cancelled_at is not None and not include_cancelled):
                raise cancels.no_such(meeting_id)
            return to_series(meeting)

    def all(self) -> list[Series]:
        with self.database.read() as work:
            return [to_series(m) for m in work.meetings.all()]

    def cancel_choices(self, limit: int) -> tuple[list[tuple[Series, Occurrence | None]], int]:
        """`/meeting cancel` without a number: the `limit` series that start soonest (then
        those with no date to come, by number), each with its next occurrence, and how many
        are live in all."""
        now = self.clock.now()
        with self.database.read() as work:
            chosen = series_starting_soonest(work, now, limit)
            chosen += series_not_starting(work, now, limit - len(chosen))
            total = work.meetings.count_live()
        return [(series, next_of(series, now)) for series in chosen], total

    def listing_page(self, after: Key | None = None) -> Page[tuple[Series, Occurrence | None]]:
        """`/meeting list`: a page of live series by number (the first, or the one after
        `after`), each with its next occurrence."""
        now = self.clock.now()
        with self.database.read() as work:
            page = series_page(work, after, LISTED_SHOWN)
        return page.map(lambda series: (series, next_of(series, now)))

    def upcoming_for(
        self, member: MemberProfile, kind: MeetingKind | None = None, *, everyone: bool = False
    ) -> Upcoming:
        """`/meeting next`: the member's meetings (or everyone's), and how many it left out."""
        now, limit = self.clock.now(), UPCOMING_SHOWN
        with self.database.read() as work:
            every = series_starting_soonest(work, now, limit, kind=kind)
            mine = every
            if not everyone:
                mine = series_starting_soonest(
                    work,
                    now,
                    limit,
                    kind=kind,
                    wanted=lambda s: concerns(s, member),
                    audiences=audiences_concerning(member),
                )
            found = upcoming_for(every, mine, member, now, everyone=everyone, limit=limit)
            return replace(found, holidays=audience_holidays(work, found.occurrences))

    def next_of(self, series: Series) -> Occurrence | None:
        return next_of(series, self.clock.now())

    def form_defaults(self) -> tuple[str, date]:
        """The zone a new meeting is in unless told, and the next working day there."""
        with self.database.read() as work:
            consortium = work.directory.consortium()
        zone = consortium.timezone if consortium else DEFAULT_ZONE
        return zone, next_working_day(self.clock.now(), zone)

    # -- changing ----------------------------------------------------------------------------

    def schedule(self, actor: MemberProfile, request: ScheduleRequest) -> MeetingChange:
        """Create a series or one-off event after checking everything a user could get wrong."""
        _check_may_change(actor)
        try:
            kind = MeetingKind.parse(request.kind)
        except VocabularyError as error:
            raise MeetingError(str(error), error.field) from None
        title = check_title(request.title)
        if request.rrule is None and request.first_date is None:
            raise MeetingError("say on which date, e.g. `once on 19 Dec 2027`", "date")
        now = self.clock.now()
        with self.database.write() as work:
            consortium = work.directory.consortium()
            zone = check_zone(
                request.timezone or (consortium.timezone if consortium else DEFAULT_ZONE)
            )
            channel = resolve_channel(work, request.channel, kind)
            start, rrule = first_start(request, zone, now)
            twin = work.meetings.same_live(str(kind), title, start, rrule)
            if twin is not None:
                raise MeetingError(
                    f"“{title}” is already scheduled at that time as #{twin.id}; "
                    "`/meeting list` shows it",
                    "title",
                )
            duration = check_duration(request.duration_minutes)
            ends_local: datetime | None = None
            if request.at is None:
                days = max(1, (duration or 24 * 60) // (24 * 60))
                ends_local, duration = start + timedelta(days=days - 1), None
            else:
                duration = duration or 60
                try:
                    check_series_wall_clock(rrule, start, zone)
                except WallClockError as error:
                    raise MeetingError(str(error), "time") from None
            meeting = Meeting(
                uid=self.uid_factory(),
                kind=str(kind),
                title=title,
                rrule=rrule,
                starts_local=start,
                all_day=request.at is None,
                duration_minutes=duration,
                ends_local=ends_local,
                timezone=zone,
                channel_purpose=channel,
                audience=(request.audience or kind.default_audience).stored(),
                reminder_minutes=list(
                    parse_reminders(request.reminders)
                    if request.reminders is not None
                    else kind.default_reminders
                ),
                location=check_location(request.location or ""),
                join_url=check_link(request.join_url or ""),
                sequence=0,
                created_at=now,
                updated_at=now,
                created_by=actor.slack_id,
            )
            work.meetings.add(meeting)
            refresh_next_instants(meeting, now)
            return self._change(
                work, meeting, AnnouncementFacts(Announced.NEW, requested_by=actor.slack_id)
            )

    def cancel(
        self, actor: MemberProfile, meeting_id: int, on: date | None = None, seen: int | None = None
    ) -> MeetingChange:
        """Cancel a series, or its occurrence `on`; `seen`: the SEQUENCE a confirmation showed.
        The change carries the ticket that undoes it (`cancels.py`)."""
        _check_may_change(actor)
        if on is not None:
            check_planning_date(on)
        with self.database.write() as work:
            meeting = _live(work, meeting_id)
            ticket = cancels.cancel_meeting(meeting, on, seen, self.clock.now())
            facts = AnnouncementFacts(Announced.CANCELLED, requested_by=actor.slack_id)
            day = ticket.original_local
            change = self._change(work, meeting, facts, occurrence_local=day, cancelled=True)
            return replace(change, undo=ticket)

    def cancel_preview(self, actor: MemberProfile, meeting_id: int) -> cancels.CancelPreview:
        """What cancelling the whole series would do, for its confirmation."""
        _check_may_change(actor)
        with self.database.read() as work:
            now = self.clock.now()
            return cancels.cancel_preview(work, meeting_id, now, self.invitations_by_mail)

    def restore(self, actor: MemberProfile, ticket: cancels.CancelTicket) -> MeetingChange:
        """Undo a cancellation, announced again (`cancels.py` says when it is refused)."""
        _check_may_change(actor)
        with self.database.write() as work:
            found = work.meetings.get_to_change(ticket.meeting_id)
            meeting = cancels.restore_cancelled(found, ticket, self.clock.now())
            facts = AnnouncementFacts(Announced.RESTORED, requested_by=actor.slack_id)
            day = ticket.original_local
            back = ticket.moved_to or day
            return self._change(work, meeting, facts, occurrence_local=day, new_local=back)

    def move(
        self, actor: MemberProfile, meeting_id: int, on: date, to_day: date, at: time | None
    ) -> MeetingChange:
        _check_may_change(actor)
        check_planning_date(on)
        check_planning_date(to_day)
        now = self.clock.now()
        with self.database.write() as work:
            meeting = _live(work, meeting_id)
            series = to_series(meeting)
            original = series.starts_local if series.rrule is None else original_on(series, on)
            if series.rrule is None and on != original.date():
                raise MeetingError(
                    f"#{meeting_id} happens once, on {original:%Y-%m-%d}, not {on:%Y-%m-%d}",
                    "date",
                )
            new_local = datetime.combine(to_day, at or original.time())
            try:
                if not series.all_day:
                    check_wall_clock(new_local, series.timezone)
            except WallClockError as error:
                raise MeetingError(str(error), "time") from None
            if to_day < now.astimezone(series.zone).date():
                raise MeetingError(f"{to_day:%Y-%m-%d} is in the past", "date")
            if series.rrule is None:
                span = meeting.ends_local - meeting.starts_local if meeting.ends_local else None
                meeting.starts_local = new_local
                if span is not None:
                    meeting.ends_local = new_local + span
                touch(meeting, now)
            else:
                record_exception(meeting, original, MOVED, new_local, now)
            facts = AnnouncementFacts(Announced.MOVED, moved_from=on, requested_by=actor.slack_id)
            return self._change(
                work, meeting, facts, occurrence_local=original, new_local=new_local
            )

    def edit(self, actor: MemberProfile, meeting_id: int, field: str, value: str) -> MeetingChange:
        _check_may_change(actor)
        name = editable_field(field)
        now = self.clock.now()
        with self.database.write() as work:
            meeting = _live(work, meeting_id)
            apply_edit(meeting, name, value.strip(), lambda text: resolve_channel(work, text))
            if name in ("reminders", "agenda"):
                # Reminders are the bot's own business: no new card, file or SEQUENCE.
                refresh_next_instants(meeting, now)
                return MeetingChange(to_series(meeting), as_of=now, quiet=True)
            touch(meeting, now)
            facts = AnnouncementFacts(Announced.CHANGED, field=name, requested_by=actor.slack_id)
            return self._change(work, meeting, facts)

    def invite(self, actor: MemberProfile, meeting_id: int) -> MeetingChange:
        """The series as it stands, announced again."""
        _check_may_change(actor)
        with self.database.write() as work:
            meeting = _live(work, meeting_id)
            facts = AnnouncementFacts(Announced.AGAIN, requested_by=actor.slack_id)
            return self._change(work, meeting, facts)

    def _change(
        self,
        work: UnitOfWork,
        meeting: Meeting,
        facts: AnnouncementFacts,
        *,
        occurrence_local: datetime | None = None,
        new_local: datetime | None = None,
        cancelled: bool = False,
    ) -> MeetingChange:
        """What the change did, its announcement queued for the meeting's channel."""
        series = to_series(meeting)
        consortium = work.directory.consortium()
        channel = channel_id(work, series.channel_purpose)
        now = self.clock.now()
        queued = QueuedAnnouncement(
            series.id, series.sequence, facts, occurrence_local, new_local, cancelled
        )
        key, invitations = queue_change_messages(
            work, series, queued, channel, now, by_mail=self.invitations_by_mail
        )
        return MeetingChange(
            series,
            occurrence_local=occurrence_local,
            new_local=new_local,
            cancelled=cancelled,
            channel=channel,
            consortium=consortium.name if consortium else "Consortium",
            as_of=now,
            announcement=key,
            invitations=invitations,
        )


def _check_may_change(actor: MemberProfile) -> None:
    if not actor.is_coordinator:
        raise NotAllowedError("Only coordinators can change meetings.")


def _live(work: UnitOfWork, meeting_id: int) -> Meeting:
    """A meeting that is not cancelled, locked for the change the caller is about to make."""
    meeting = work.meetings.get_to_change(meeting_id)
    if meeting is None or meeting.cancelled_at is not None:
        raise cancels.no_such(meeting_id)
    return meeting
