"""What happens while a sweep is sending: a series cancelled meanwhile gets no reminder, an
answer given meanwhile is counted, and a late redraw never paints over a newer answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.delivery.jobs import Jobs
from scheduling.delivery.notices import (
    CardNotice,
    Digest,
    InviteNotice,
    ReminderNotice,
    RoundRequestNotice,
)
from scheduling.meetings.rsvp import RsvpService
from scheduling.meetings.service import MeetingService, ScheduleRequest
from scheduling.ports import OnePart, Posted
from scheduling.vocabulary import MeetingKind, RsvpAnswer
from storage.db import Database

WEBINAR_DAY = date(2024, 2, 15)


class RecordingNotifier:
    """The notifier port, recording what it is asked to send; `during_send` runs inside the
    first send, as another user's request would while the sweep waits on Slack."""

    def __init__(self) -> None:
        self.sent: list[ReminderNotice] = []
        self.redrawn: list[ReminderNotice] = []
        self.during_send: Callable[[], None] | None = None

    def reminder(self, notice: ReminderNotice) -> OnePart:
        return OnePart(lambda: self._send(notice))

    def _send(self, notice: ReminderNotice) -> Posted:
        if self.during_send is not None:
            action, self.during_send = self.during_send, None
            action()
        self.sent.append(notice)
        return Posted(notice.channel, f"{len(self.sent)}.000100")

    def update_reminder(self, posted: Posted, notice: ReminderNotice) -> None:
        self.redrawn.append(notice)

    def digest(self, channel: str, digest: Digest, key: str) -> OnePart:
        return OnePart(lambda: Posted(channel, "9.000100"))

    def invite(self, notice: InviteNotice) -> OnePart:
        return OnePart(lambda: Posted(notice.channel, "8.000100"))

    def round_request(self, notice: RoundRequestNotice) -> OnePart:
        return OnePart(lambda: Posted(notice.member, "7.000100"))

    def card(self, notice: CardNotice) -> OnePart:
        return OnePart(lambda: Posted(notice.channel, "6.000100"))

    def thaw(self, channel: str, key: str, frozen: dict[str, Any]) -> OnePart:
        return OnePart(lambda: Posted(channel, "0.000001"))


def _two_webinars(
    database: Database, clock: FixedClock, coordinator: MemberProfile
) -> tuple[MeetingService, int, int]:
    meetings = MeetingService(database, clock)
    ids = []
    for title in ("First webinar", "Second webinar"):
        request = ScheduleRequest(
            kind=MeetingKind.WEBINAR,
            title=title,
            rrule=None,
            first_date=WEBINAR_DAY,
            explicit_from=False,
            at=time(14, 0),
            duration_minutes=60,
            timezone="Europe/Vienna",
            channel="announcements",
        )
        ids.append(meetings.schedule(coordinator, request).series.id)
    return meetings, ids[0], ids[1]


def _setup(
    database: Database, clock: FixedClock
) -> tuple[Jobs, RecordingNotifier, MeetingService, DirectoryService, int, int]:
    directory = DirectoryService(database)
    coordinator = directory.profile("U0COORD1")
    assert coordinator is not None
    meetings, first, second = _two_webinars(database, clock, coordinator)
    notifier = RecordingNotifier()
    jobs = Jobs(database, clock, notifier, directory)
    # The day before, 14:00 Vienna: both webinars' "1d" reminders are due.
    clock.set(datetime(2024, 2, 14, 13, 0, tzinfo=UTC))
    return jobs, notifier, meetings, directory, first, second


def test_a_series_cancelled_while_the_sweep_sends_gets_no_reminder(
    consortium_database: Database, clock: FixedClock
) -> None:
    jobs, notifier, meetings, directory, first, second = _setup(consortium_database, clock)
    coordinator = directory.profile("U0COORD1")
    assert coordinator is not None
    notifier.during_send = lambda: meetings.cancel(coordinator, second)
    jobs.sweep()
    reminded = {n.reminder.series.id for n in notifier.sent}
    assert first in reminded and second not in reminded


def test_an_answer_given_while_the_sweep_sends_is_counted_in_the_next_series(
    consortium_database: Database, clock: FixedClock
) -> None:
    jobs, notifier, _, directory, _, second = _setup(consortium_database, clock)
    rsvps = RsvpService(consortium_database, clock, directory)
    original = datetime.combine(WEBINAR_DAY, time(14, 0))
    portuguese = directory.profile("U0PT")
    assert portuguese is not None
    notifier.during_send = lambda: rsvps.record(second, original, portuguese, RsvpAnswer.GOING)
    jobs.sweep()
    by_series = {n.reminder.series.id: n.rsvp for n in notifier.sent}
    assert by_series[second].answers == {"U0PT": RsvpAnswer.GOING}


def test_a_late_redraw_shows_the_newest_answers_not_those_of_its_own_click(
    consortium_database: Database, clock: FixedClock
) -> None:
    jobs, notifier, _, directory, first, _ = _setup(consortium_database, clock)
    jobs.sweep()
    rsvps = RsvpService(consortium_database, clock, directory)
    original = datetime.combine(WEBINAR_DAY, time(14, 0))
    portuguese, finnish = directory.profile("U0PT"), directory.profile("U0FI")
    assert portuguese is not None and finnish is not None
    earlier = rsvps.record(first, original, portuguese, RsvpAnswer.GOING)
    clock.advance(timedelta(seconds=5))
    rsvps.record(first, original, finnish, RsvpAnswer.MAYBE)
    assert jobs.reminders.redraw(earlier).copies == 1  # the first click's, run last
    (notice,) = notifier.redrawn
    assert notice.rsvp.answers == {"U0PT": RsvpAnswer.GOING, "U0FI": RsvpAnswer.MAYBE}
