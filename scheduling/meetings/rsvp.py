"""RSVPs: one answer per member per occurrence; the latest answer replaces the earlier one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from scheduling.clock import Clock
from scheduling.consortium.directory import (
    DirectoryService,
    DirectorySnapshot,
    MemberProfile,
    audience_members,
)
from scheduling.durations import check_planning_date
from scheduling.errors import NotAllowedError
from scheduling.language.dates import short_date
from scheduling.meetings.edits import MeetingError
from scheduling.meetings.mapping import live_meeting, to_series
from scheduling.meetings.occurrences import (
    Occurrence,
    Series,
    next_of,
    occurrence_on,
    scheduled_occurrence,
)
from scheduling.vocabulary import Audience, MemberRole, RsvpAnswer
from storage.db import Database


@dataclass(frozen=True)
class RsvpSummary:
    """Answers by country code, and each member's answer."""

    by_country: dict[str, dict[RsvpAnswer, int]] = field(default_factory=dict)
    answers: dict[str, RsvpAnswer] = field(default_factory=dict)

    def total(self, answer: RsvpAnswer) -> int:
        return sum(counts.get(answer, 0) for counts in self.by_country.values())


@dataclass(frozen=True)
class RsvpTotals:
    """One occurrence's answers counted against whom it is for: the "no answer" are the
    members of its audience who have not answered."""

    going: int
    not_going: int
    maybe: int
    no_answer: int

    @classmethod
    def of(cls, summary: RsvpSummary, invited: Iterable[str]) -> RsvpTotals:
        # Counted from the answers (a few), not the invited (the whole audience, per occurrence).
        members = invited if isinstance(invited, (set, frozenset)) else set(invited)
        unanswered = len(members) - sum(1 for member in summary.answers if member in members)
        return cls(
            summary.total(RsvpAnswer.GOING),
            summary.total(RsvpAnswer.NOT_GOING),
            summary.total(RsvpAnswer.MAYBE),
            unanswered,
        )


class TotalsCounter:
    """Each occurrence's RSVP totals against its audience, the audience's members worked out
    once per distinct audience however many occurrences share it (the digest, the Home tab)."""

    def __init__(
        self,
        profiles: Mapping[str, MemberProfile],
        invited_ids: Callable[[Audience], frozenset[str]] | None = None,
    ) -> None:
        """`invited_ids`: who an audience includes, when known already (a snapshot's)."""
        self.profiles = profiles
        self.invited_ids = invited_ids
        self.invited: dict[Audience, frozenset[str]] = {}

    def __call__(self, occurrence: Occurrence, answers: Mapping[str, str]) -> RsvpTotals:
        audience = occurrence.series.audience
        if audience not in self.invited:
            if self.invited_ids is not None:
                self.invited[audience] = self.invited_ids(audience)
            else:
                members = audience_members(self.profiles.values(), audience)
                self.invited[audience] = frozenset(member.slack_id for member in members)
        return RsvpTotals.of(summarise(answers, self.profiles), self.invited[audience])


def summarise(answers: Mapping[str, str], profiles: Mapping[str, MemberProfile]) -> RsvpSummary:
    """Count answers by the first country of whoever gave them."""
    by_country: dict[str, dict[RsvpAnswer, int]] = {}
    typed = {member: RsvpAnswer(answer) for member, answer in answers.items()}
    for member_id, answer in typed.items():
        profile = profiles.get(member_id)
        country = profile.countries[0].code if profile and profile.countries else "—"
        counts = by_country.setdefault(country, {})
        counts[answer] = counts.get(answer, 0) + 1
    return RsvpSummary(by_country, typed)


@dataclass(frozen=True)
class RsvpRecorded:
    """An answer stored: which series and occurrence, for redrawing its reminders."""

    series: Series
    occurrence_local: datetime


@dataclass(frozen=True)
class WhoAnswered:
    """`/meeting who`: by country name, answer (or "none") -> member names; and the names of
    the countries it is for that have no member listed in the consortium file."""

    series: Series
    occurrence: Occurrence
    table: dict[str, dict[str, list[str]]]
    unlisted: tuple[str, ...] = ()
    # Who attended (once it took place), by country name; and how many guests.
    attended: dict[str, list[str]] = field(default_factory=dict)
    guests: int = 0


class RsvpService:
    def __init__(self, database: Database, clock: Clock, directory: DirectoryService) -> None:
        self.database = database
        self.clock = clock
        self.directory = directory

    def record(
        self, meeting_id: int, occurrence_local: datetime, member: MemberProfile, answer: RsvpAnswer
    ) -> RsvpRecorded:
        """Store an answer (replacing the member's earlier one) for the series' reminders to
        be redrawn with: only for an occurrence the series has, not over yet, from someone
        the meeting is for (or a coordinator, who runs every meeting)."""
        answer = RsvpAnswer(answer)
        now = self.clock.now()
        with self.database.write() as work:
            meeting = work.meetings.get(meeting_id)
            if meeting is None or meeting.cancelled_at is not None:
                raise MeetingError(f"meeting #{meeting_id} is no longer scheduled", "meeting")
            series = to_series(meeting)
            occurrence = scheduled_occurrence(series, occurrence_local)
            if occurrence is None:
                raise MeetingError(
                    f"{series.title} has no meeting on {short_date(occurrence_local.date())} {occurrence_local:%H:%M}; "
                    "`/meeting next` shows the coming ones",
                    "occurrence",
                )
            if occurrence.end <= now:
                raise MeetingError(
                    f"{series.title} on {short_date(occurrence.start_local.date())} is over",
                    "occurrence",
                )
            if not (series.audience.includes(member) or MemberRole.COORDINATOR in member.roles):
                raise NotAllowedError(
                    f"{series.title} is for {series.audience.words}, so your answer is not "
                    "counted; a coordinator can add you to its audience",
                    "member",
                )
            work.rsvps.put(meeting_id, occurrence_local, member.slack_id, str(answer), now)
            return RsvpRecorded(series, occurrence_local)

    def summary(self, meeting_id: int, occurrence_local: datetime) -> RsvpSummary:
        key = (meeting_id, occurrence_local)
        with self.database.read() as work:
            answers = work.rsvps.answers([key])[key]
        return summarise(answers, self.directory.snapshot().profiles)

    def who(self, meeting_id: int, on: date | None = None) -> WhoAnswered:
        """Who answered what, and who came, for the occurrence on `on` (default: the one under
        way, else the next one)."""
        if on is not None:
            check_planning_date(on)
        with self.database.read() as work:
            series = to_series(live_meeting(work, meeting_id))
            now = self.clock.now()
            # An occurrence under way started up to its length ago: looked for from then.
            occurrence = occurrence_on(series, on) if on else next_of(series, now - series.duration)
            if occurrence is None:
                upcoming = next_of(series, self.clock.now())
                after = (
                    f"; the next is on {short_date(upcoming.start_local.date())}"
                    if upcoming
                    else ""
                )
                when = f"on {short_date(on)}" if on else "to come"
                raise MeetingError(f"#{series.id} has no occurrence {when}{after}", "date")
            key = (series.id, occurrence.original_local)
            answers = work.rsvps.answers([key])[key]
            present = work.attendance.of_occurrence(*key)
        snapshot = self.directory.snapshot()
        attended: dict[str, list[str]] = {}
        for row in present:
            if not row.guest:
                ref = snapshot.countries.get(row.country_code or "")
                attended.setdefault(ref.name if ref else "—", []).append(row.name)
        table: dict[str, dict[str, list[str]]] = {}
        for profile in audience_members(snapshot.profiles.values(), series.audience):
            country = profile.countries[0].name if profile.countries else "—"
            answer = answers.get(profile.slack_id, "none")
            table.setdefault(country, {}).setdefault(answer, []).append(profile.name)
        return WhoAnswered(
            series,
            occurrence,
            dict(sorted(table.items())),
            unlisted_countries(snapshot, series),
            attended,
            sum(1 for row in present if row.guest),
        )


def unlisted_countries(snapshot: DirectorySnapshot, series: Series) -> tuple[str, ...]:
    """The names of the countries a meeting is for that have nobody in the consortium file
    (a meeting for work-package leads is for people, not countries: none)."""
    if series.audience == Audience.WP_LEAD:
        return ()
    roles = {code: country.role for code, country in snapshot.countries.items()}
    listed = {c.code for profile in snapshot.profiles.values() for c in profile.countries}
    return tuple(
        sorted(
            snapshot.countries[code].name
            for code in series.audience.countries(roles)
            if code in snapshot.countries and code not in listed
        )
    )
