"""A member's own calendar as they set it: days away (`/consortium away`) and working hours
(`/consortium hours`). Each use case is one transaction; a member speaks for themselves, a
coordinator may also set another member's days away.

Periods that overlap or touch one already set are merged into one (`1-10 Aug` then `8-20 Aug`
is `1-20 Aug`), so a member never has to think about which period to cancel. A period is at
most a year long, and must not be over already.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from scheduling.clock import Clock, today_in
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.errors import FieldError, NotAllowedError
from scheduling.language.dates import short_date
from scheduling.workdays.hours import WorkingHours
from storage.db import Database

MAX_AWAY_DAYS = 366  # a period is at most a year long
SOON_DAYS = 14  # the coordinators' Home tab lists who is away now or within this many days


@dataclass(frozen=True)
class AwayPeriodView:
    """One period of days away: its number (to cancel it), first and last day included."""

    id: int
    member: str
    first: date
    last: date

    def words(self, today: date) -> str:
        """`Sun 1 Aug 2027 to Fri 20 Aug 2027`, `Fri 24 Dec 2027` for one day; `until …`
        once it has begun."""
        if self.first == self.last:
            return f"on {short_date(self.first)}"
        if self.first <= today:
            return f"until {short_date(self.last)}"
        return f"from {short_date(self.first)} to {short_date(self.last)}"


@dataclass(frozen=True)
class AwaySet:
    """What setting a period did: the member's period as stored (merged with those it
    overlapped or touched), and how many it merged."""

    member: MemberProfile
    period: AwayPeriodView
    merged: int
    today: date


@dataclass(frozen=True)
class AwayMember:
    """A member away now or soon, for the coordinators' Home tab."""

    member: MemberProfile
    period: AwayPeriodView


class AwayService:
    def __init__(self, database: Database, clock: Clock, directory: DirectoryService) -> None:
        self.database = database
        self.clock = clock
        self.directory = directory

    def today_of(self, profile: MemberProfile) -> date:
        return today_in(self.clock, profile.timezone)

    def set_away(
        self, actor: MemberProfile, member: MemberProfile, first: date, last: date
    ) -> AwaySet:
        """`member` is away from `first` to `last` (their own days); only they or a
        coordinator may say so."""
        _check_speaks_for(actor, member)
        today = self.today_of(member)
        if last < first:
            raise FieldError(
                f"The last day {short_date(last)} is before the first day {short_date(first)}; "
                "say the first day first, e.g. `away 1 Aug to 20 Aug`.",
                "last",
            )
        if last < today:
            raise FieldError(
                f"{short_date(last)} is in the past; days away are from today on.", "last"
            )
        first = max(first, today)
        if (last - first).days + 1 > MAX_AWAY_DAYS:
            raise FieldError(
                f"{short_date(first)} to {short_date(last)} is longer than a year; say a shorter "
                "period (a coordinator can update the consortium file for longer absences).",
                "last",
            )
        with self.database.write() as work:
            if work.directory.member(member.slack_id) is None:
                raise FieldError(f"{member.name} is not a member", "member")
            touching = [
                p
                for p in work.away.of_member(member.slack_id, today)
                if p.first_day <= last + timedelta(days=1)
                and first <= p.last_day + timedelta(days=1)
            ]
            if touching:
                first = min(first, *(p.first_day for p in touching))
                last = max(last, *(p.last_day for p in touching))
                if (last - max(first, today)).days + 1 > MAX_AWAY_DAYS:
                    raise FieldError(
                        f"With the days away already set, that makes {short_date(first)} to "
                        f"{short_date(last)}, longer than a year; cancel one first "
                        "(`/consortium away cancel N`).",
                        "last",
                    )
                for period in touching:
                    work.away.remove(member.slack_id, period.id)
            stored = work.away.add(member.slack_id, first, last, self.clock.now())
            view = AwayPeriodView(stored.id, member.slack_id, first, last)
        return AwaySet(member, view, len(touching), today)

    def periods(self, member: MemberProfile) -> tuple[list[AwayPeriodView], date]:
        """The member's periods that are not over, earliest first, and their today."""
        today = self.today_of(member)
        with self.database.read() as work:
            found = work.away.of_member(member.slack_id, today)
            return [_view(p.id, member.slack_id, p.first_day, p.last_day) for p in found], today

    def clear(
        self, actor: MemberProfile, member: MemberProfile, number: int | None = None
    ) -> list[AwayPeriodView]:
        """End the member's days away: all that are not over, or the one numbered `number`;
        the periods ended (FieldError naming `number` when it is none of theirs)."""
        _check_speaks_for(actor, member)
        today = self.today_of(member)
        with self.database.write() as work:
            current = work.away.of_member(member.slack_id, today)
            chosen = [p for p in current if number is None or p.id == number]
            if number is not None and not chosen:
                numbers = ", ".join(f"{p.id}" for p in current) or "none"
                raise FieldError(
                    f"You have no period of days away numbered {number} (yours: {numbers}); "
                    "`/consortium away` lists them.",
                    "number",
                )
            ended = [_view(p.id, member.slack_id, p.first_day, p.last_day) for p in chosen]
            for period in chosen:
                work.away.remove(member.slack_id, period.id)
        return ended

    def away_soon(self, within: int = SOON_DAYS) -> list[AwayMember]:
        """The members away now or within `within` days, by first day: for coordinators."""
        profiles = self.directory.snapshot().profiles
        today = self.clock.now().date()
        with self.database.read() as work:
            found = work.away.of_members(None, today - timedelta(days=1))
        return away_members(profiles, found, today, within)

    def set_hours(self, member: MemberProfile, said: str) -> WorkingHours | None:
        """The member's working hours from `09:00-17:00`, `9-17`, or `default` (None: the
        default hours); FieldError naming `hours` for words that do not read as hours."""
        hours = (
            None if said.strip().lower() in ("default", "reset", "") else WorkingHours.parse(said)
        )
        with self.database.write() as work:
            row = work.directory.member(member.slack_id)
            if row is None:
                raise FieldError(f"{member.name} is not a member", "member")
            row.working_hours = str(hours) if hours is not None else None
        self.directory.invalidate()
        return hours


def away_members(
    profiles: Mapping[str, MemberProfile],
    found: dict[str, list[tuple[date, date]]],
    today: date,
    within: int = SOON_DAYS,
) -> list[AwayMember]:
    """The members of `found` away now or within `within` days of `today`."""
    horizon = today + timedelta(days=within)
    members = []
    for slack_id, periods in found.items():
        profile = profiles.get(slack_id)
        if profile is None:
            continue
        for first, last in periods:
            if last >= today and first <= horizon:
                members.append(AwayMember(profile, _view(0, slack_id, first, last)))
                break
    return sorted(members, key=lambda m: (m.period.first, m.member.name))


def _view(number: int, member: str, first: date, last: date) -> AwayPeriodView:
    return AwayPeriodView(number, member, first, last)


def _check_speaks_for(actor: MemberProfile, member: MemberProfile) -> None:
    if actor.slack_id != member.slack_id and not actor.is_coordinator:
        raise NotAllowedError(
            "You can only set your own days away; a coordinator can set another member's."
        )
