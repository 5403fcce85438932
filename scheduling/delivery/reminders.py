"""The reminder sweep: every reminder that is due, sent once to the meeting's channel and to
the members who take reminders by DM; and the redraw of every copy after an RSVP.

One read finds what is due (with the channels and the RSVPs the reminders show), then each
message is claimed, sent and marked on its own, and one write moves each series' sweep index
on. A reminder more than `grace` late is recorded as skipped, not sent as if on time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduling.consortium.directory import MemberProfile, audience_members
from scheduling.delivery.deliverer import DeliveryKind, ScheduledWork, SweepReport
from scheduling.delivery.notices import ReminderNotice
from scheduling.meetings.mapping import meeting_channel, to_series
from scheduling.meetings.occurrences import Series, occurrences
from scheduling.meetings.reminders import DueReminder, next_reminder_at, reminders_between
from scheduling.meetings.rsvp import RsvpRecorded, RsvpSummary, summarise
from scheduling.ports import DeliveryError, Posted
from scheduling.workdays.hours import Availability
from scheduling.workdays.quiet import why_not
from scheduling.workdays.service import availabilities
from storage.repositories import UnitOfWork

logger = logging.getLogger("consortium_bot.jobs")


@dataclass(frozen=True)
class _Due:
    """A series with reminders due, read at the start of a sweep."""

    series: Series
    sequence: int
    reminders: list[DueReminder]
    channel: str | None


class ReminderSweep(ScheduledWork):
    def sweep(self, now: datetime, report: SweepReport) -> dict[int, tuple[datetime | None, int]]:
        """Send what is due by `now`; return each swept series' next reminder (and the
        sequence it was computed from) for the caller to store with the run's record."""
        with self.database.read() as work:
            due = self._due(work, now)
        # Only a sweep with work to do needs the directory (for who wants DMs).
        profiles = self.directory.snapshot().profiles if due else {}
        calendars = self._calendars(profiles.values(), now) if due else {}
        for found in due:
            if not found.reminders:
                continue
            # Sending may take minutes (rate limits): just before a series' messages, make
            # sure it was not cancelled meanwhile, and take the RSVP counts as they are now.
            wanted = {(found.series.id, r.occurrence.original_local) for r in found.reminders}
            with self.database.read() as work:
                if not work.meetings.is_live(found.series.id):
                    continue
                answers = work.rsvps.answers(wanted)
            targets = _targets(found.channel, found.series, profiles.values())
            for reminder in found.reminders:
                key = (found.series.id, reminder.occurrence.original_local)
                summary = summarise(answers[key], profiles)
                for channel, direct in targets:
                    if direct and self._quiet(reminder, channel, calendars, report):
                        continue
                    self._remind(reminder, summary, channel, direct, now, report)
        return {d.series.id: (next_reminder_at(d.series, now), d.sequence) for d in due}

    def _calendars(
        self, profiles: Iterable[MemberProfile], now: datetime
    ) -> dict[str, Availability]:
        """The calendars of the members who take reminders by DM."""
        direct = [p for p in profiles if p.reminder_delivery == "dm"]
        if not direct:
            return {}
        with self.database.read() as work:
            return availabilities(work, direct, now.date())

    def _quiet(
        self,
        reminder: DueReminder,
        member: str,
        calendars: Mapping[str, Availability],
        report: SweepReport,
    ) -> bool:
        """A reminder keeps its offset: when its moment is not allowed for a member who takes
        reminders by DM (their weekend, a holiday of their country, a day away, outside their
        hours), their DM copy is recorded as skipped with the reason (True); the channel's
        copy is not a DM and goes as ever."""
        available = calendars.get(member)
        reason = why_not(available, reminder.remind_at) if available is not None else None
        if reason is None:
            return False
        key = reminder.key(member)
        self.deliverer.skip(
            key, DeliveryKind.REMINDER, member, reminder.remind_at, f"not by DM: {reason}", report
        )
        return True

    def _due(self, work: UnitOfWork, now: datetime) -> list[_Due]:
        meetings = work.meetings.due_for_reminders(now)
        if not meetings:
            return []
        channels = {c.purpose: c.slack_channel_id for c in work.directory.channels()}
        found = []
        for meeting in meetings:
            series = to_series(meeting)
            assert meeting.next_reminder_at is not None
            after = meeting.next_reminder_at - timedelta(microseconds=1)
            channel = meeting_channel(series.channel_purpose, channels)
            found.append(
                _Due(series, meeting.sequence, reminders_between(series, after, now), channel)
            )
        return found

    def _remind(
        self,
        reminder: DueReminder,
        summary: RsvpSummary,
        channel: str,
        direct: bool,
        now: datetime,
        report: SweepReport,
    ) -> None:
        key = reminder.key(channel)
        if now - reminder.remind_at > self.settings.grace:
            late = f"{int((now - reminder.remind_at).total_seconds() // 60)} min late"
            self.deliverer.skip(
                key, DeliveryKind.REMINDER, channel, reminder.remind_at, late, report
            )
            return
        payload = {
            "meeting": reminder.series.id,
            "occurrence": reminder.occurrence.original_local.isoformat(),
            "offset": reminder.offset_minutes,
            "direct": direct,
        }
        notice = ReminderNotice(reminder, summary, channel, direct, key)
        self.deliverer.deliver(
            key,
            DeliveryKind.REMINDER,
            channel,
            reminder.remind_at,
            payload,
            lambda: self.notifier.reminder(notice),
            report,
        )

    def retry(
        self,
        key: str,
        channel: str,
        due_at: datetime,
        payload: Mapping[str, object],
        now: datetime,
        report: SweepReport,
    ) -> None:
        """Try a failed or abandoned reminder again, unless it is cancelled or too late."""
        with self.database.read() as work:
            meeting = work.meetings.get(_int(payload.get("meeting")))
            live = meeting is not None and meeting.cancelled_at is None
            series = to_series(meeting) if meeting is not None and live else None
        reminder = _rebuild(series, payload, due_at) if series is not None else None
        if reminder is None or now - due_at > self.settings.grace:
            reason = "meeting or occurrence cancelled" if reminder is None else "too late to send"
            self.deliverer.give_up(key, reason, report)
            return
        direct = bool(payload.get("direct"))
        quiet = self._not_now(channel, now) if direct else None
        if quiet is not None:
            self.deliverer.give_up(key, f"not by DM: {quiet}", report)
            return
        summary = self._summary(reminder)
        notice = ReminderNotice(reminder, summary, channel, direct, key)
        self.deliverer.deliver(
            key,
            DeliveryKind.REMINDER,
            channel,
            due_at,
            {},
            lambda: self.notifier.reminder(notice),
            report,
        )

    def _not_now(self, member: str, now: datetime) -> str | None:
        """Why a reminder DM tried again late may not reach `member` now, or None."""
        profile = self.directory.profile(member)
        if profile is None:
            return None
        calendars = self._calendars([profile], now)
        return why_not(calendars[member], now) if member in calendars else None

    def _summary(self, reminder: DueReminder) -> RsvpSummary:
        occurrence = (reminder.series.id, reminder.occurrence.original_local)
        with self.database.read() as work:
            answers = work.rsvps.answers([occurrence])[occurrence]
        return summarise(answers, self.directory.snapshot().profiles)

    def redraw(self, recorded: RsvpRecorded) -> Redrawn:
        """Redraw every sent copy of one occurrence's reminders with the RSVP counts.

        The counts and the copies are read when the redraw runs, not when the answer was
        recorded: a redraw delayed by a rate limit must not paint over a newer answer's.
        When Slack asks to slow down, it stops there and says how long to wait; the whole
        redraw is then done again (redrawing a copy twice does no harm).
        """
        series, original = recorded.series, recorded.occurrence_local
        occurrence = (series.id, original)
        with self.database.read() as work:
            answers = work.rsvps.answers([occurrence])[occurrence]
            sent = work.deliveries.sent_with_prefix(f"reminder:{series.id}:")
        summary = summarise(answers, self.directory.snapshot().profiles)
        redrawn = 0
        for copy in sent:
            if copy.payload.get("occurrence") != original.isoformat():
                continue
            reminder = _rebuild(series, copy.payload, copy.due_at)
            if reminder is None or not copy.slack_ts:
                continue
            direct = bool(copy.payload.get("direct"))
            notice = ReminderNotice(reminder, summary, copy.channel, direct, copy.key)
            try:
                self.notifier.update_reminder(Posted(copy.slack_channel, copy.slack_ts), notice)
                redrawn += 1
            except DeliveryError as error:
                if error.retry_after is not None:
                    return Redrawn(redrawn, error.retry_after)
                logger.warning("could not redraw %s: %s", copy.key, error.code)
        return Redrawn(redrawn)


@dataclass(frozen=True)
class Redrawn:
    """How many copies a redraw repainted, and, when Slack asked it to stop, how many
    seconds to wait before doing it again."""

    copies: int
    retry_after: float | None = None


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return -1


def _targets(
    channel: str | None, series: Series, profiles: Iterable[MemberProfile]
) -> list[tuple[str, bool]]:
    """The meeting's channel, and each member of its audience who takes reminders by DM."""
    targets = [(channel, False)] if channel is not None else []
    for profile in audience_members(profiles, series.audience):
        if profile.reminder_delivery == "dm":
            targets.append((profile.slack_id, True))
    return targets


def _rebuild(series: Series, payload: Mapping[str, object], due_at: datetime) -> DueReminder | None:
    """The reminder a delivery's payload names, if its occurrence still exists."""
    try:
        original = datetime.fromisoformat(str(payload["occurrence"]))
        offset = int(str(payload["offset"]))
    except (KeyError, ValueError):
        return None
    window_start = due_at - timedelta(days=2)
    window_end = due_at + timedelta(minutes=offset) + timedelta(days=2)
    for occurrence in occurrences(series, window_start, window_end):
        if occurrence.original_local == original:
            return DueReminder(occurrence, offset, due_at)
    return None
