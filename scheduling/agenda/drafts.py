"""The draft agenda job: N days before an occurrence (7 unless the meeting says otherwise),
each coordinator gets its draft by DM, exactly once (`agenda:<meeting>:<occurrence>:<member>`).

Drafts go for the meetings the countries set topics for (jour fixes and consortium meetings)
and for any meeting given its own lead time. A draft that fell due before the bot knew the
meeting is not owed; one that fell due while the bot was down is still sent, until the
occurrence starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduling.agenda.facts import DEFAULT_AGENDA_DAYS, MAX_AGENDA_DAYS, AgendaDraftNotice
from scheduling.agenda.reading import agenda_days, gather
from scheduling.consortium.directory import MemberProfile
from scheduling.delivery.deliverer import DeliveryKind, Pending, ScheduledWork, SweepReport
from scheduling.meetings.mapping import to_series
from scheduling.meetings.occurrences import Occurrence, Series, occurrences, scheduled_occurrence
from scheduling.vocabulary import MeetingKind
from scheduling.workdays.quiet import hold_until
from storage.models import Meeting
from storage.repositories import UnitOfWork

DRAFTED_KINDS = (MeetingKind.JOUR_FIXE, MeetingKind.CONSORTIUM)
_DRAFTED = [str(kind) for kind in DRAFTED_KINDS]
DEFAULT_LEAD = timedelta(days=DEFAULT_AGENDA_DAYS)
LONGEST_LEAD = timedelta(days=MAX_AGENDA_DAYS)


def draft_key(meeting_id: int, original_local: datetime, coordinator: str) -> str:
    return f"agenda:{meeting_id}:{original_local.isoformat()}:{coordinator}"


# The shortest window that holds one instant: `occurrences` ends its windows before their end.
_INSTANT = timedelta(microseconds=1)


def _drafted_starting(work: UnitOfWork, now: datetime) -> list[Meeting]:
    """The series that get drafts and may start between `now` and a lead later (so a draft
    may be due for them), in id order: through the next-start index, those on the default
    lead a week ahead and those with a lead of their own as far as the longest lead."""
    # A draft is due once `start - lead <= now`: the window's end is exclusive, one second on.
    late = timedelta(seconds=1)
    default = work.meetings.may_start_between(
        now, now + DEFAULT_LEAD + late, kinds=_DRAFTED, own_agenda_lead=False
    )
    own = work.meetings.may_start_between(now, now + LONGEST_LEAD + late, own_agenda_lead=True)
    return sorted((*default, *own), key=lambda meeting: meeting.id)


@dataclass(frozen=True)
class _Owed:
    series: Series
    occurrence: Occurrence
    due_at: datetime
    coordinator: str
    key: str


class AgendaDrafts(ScheduledWork):
    def sweep(self, now: datetime, report: SweepReport) -> None:
        """Send each coordinator every draft that is due by `now` and not sent yet."""
        coordinators = sorted(
            p.slack_id for p in self.directory.snapshot().profiles.values() if p.is_coordinator
        )
        if not coordinators:
            return
        with self.database.read() as work:
            owed = self._owed(_drafted_starting(work, now), coordinators, now)
            known = work.agendas.known_keys([o.key for o in owed])
        for found in (o for o in owed if o.key not in known):
            self._send(found, report)

    def next_due(self, after: datetime, horizon: timedelta) -> datetime | None:
        """The first instant after `after`, within `horizon`, at which a draft falls due."""
        # On the default lead a draft falls due a lead before its occurrence: after `moment`,
        # a series whose next start was worked out by then starts first at that start, and
        # every stored next start is a start of its series (one indexed minimum for those);
        # the others (next start passed, or worked out since) and those with a lead of their
        # own are expanded.
        moment = after + DEFAULT_LEAD
        with self.database.read() as work:
            first = work.meetings.first_next_start_between(
                moment, moment + horizon, kinds=_DRAFTED, own_agenda_lead=False
            )
            others = work.meetings.may_start_between(
                moment, moment + _INSTANT, kinds=_DRAFTED, own_agenda_lead=False
            )
            own = work.meetings.may_start_between(
                after, after + LONGEST_LEAD + horizon, own_agenda_lead=True
            )
        found = [first - DEFAULT_LEAD] if first is not None else []
        for meeting in (*others, *own):
            lead = timedelta(days=agenda_days(meeting))
            series = to_series(meeting)
            for occurrence in occurrences(series, after + lead, after + lead + horizon):
                if occurrence.start - lead > after:
                    found.append(occurrence.start - lead)
                    break
        return min(found, default=None)

    @staticmethod
    def _owed(meetings: Sequence[Meeting], coordinators: list[str], now: datetime) -> list[_Owed]:
        owed = []
        for meeting in meetings:
            drafted = meeting.kind in DRAFTED_KINDS or meeting.agenda_days is not None
            if not drafted:
                continue
            lead = timedelta(days=agenda_days(meeting))
            series = to_series(meeting)
            # Due once `start - lead <= now`: the window's end is exclusive, so one second on.
            for occurrence in occurrences(series, now, now + lead + timedelta(seconds=1)):
                due_at = occurrence.start - lead
                if due_at < meeting.created_at:
                    continue
                for coordinator in coordinators:
                    key = draft_key(series.id, occurrence.original_local, coordinator)
                    owed.append(_Owed(series, occurrence, due_at, coordinator, key))
        return owed

    def _send(self, owed: _Owed, report: SweepReport) -> None:
        with self.database.read() as work:
            facts = gather(work, owed.series, owed.occurrence, self.clock.now())
        notice = AgendaDraftNotice(facts, owed.coordinator, owed.key)
        payload = {
            "meeting": owed.series.id,
            "occurrence": owed.occurrence.original_local.isoformat(),
            "coordinator": owed.coordinator,
        }
        with self.database.write() as work:
            # Quiet hours: outside the coordinator's working hours it waits (`send` sends it).
            until = hold_until(work, self._profiles(owed.coordinator), self.clock.now())
            waits = owed.coordinator in until and work.deliveries.enqueue(
                owed.key,
                kind=DeliveryKind.AGENDA,
                channel=owed.coordinator,
                now=self.clock.now(),
                payload=payload,
                not_before=until[owed.coordinator],
            )
        if waits:
            report.deferred += 1
            return
        self.deliverer.deliver(
            owed.key,
            DeliveryKind.AGENDA,
            owed.coordinator,
            owed.due_at,
            payload,
            lambda: self.notifier.agenda_draft(notice),
            report,
        )

    def _profiles(self, member: str) -> list[MemberProfile]:
        profile = self.directory.profile(member)
        return [profile] if profile is not None else []

    def send(self, pending: Pending, report: SweepReport) -> None:
        """A draft that failed or whose sender died, tried again until its meeting starts."""
        now = self.clock.now()
        facts = None
        with self.database.read() as work:
            meeting = work.meetings.get(int(str(pending.payload.get("meeting", -1))))
            if meeting is not None and meeting.cancelled_at is None:
                series = to_series(meeting)
                original = datetime.fromisoformat(str(pending.payload.get("occurrence")))
                occurrence = scheduled_occurrence(series, original)
                if occurrence is not None and occurrence.start > now:
                    facts = gather(work, series, occurrence, now)
        if facts is None:
            self.deliverer.give_up(pending.key, "meeting or occurrence gone or over", report)
            return
        if self.held(pending.key, pending.channel, report):
            return
        notice = AgendaDraftNotice(facts, pending.channel, pending.key)
        self.deliverer.deliver(
            pending.key,
            DeliveryKind.AGENDA,
            pending.channel,
            pending.due_at,
            {},
            lambda: self.notifier.agenda_draft(notice),
            report,
        )
