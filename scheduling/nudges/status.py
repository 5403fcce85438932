"""What `/round status` adds to a round's status from the calendars: its nudges (the rules,
paused or not, the next nominal day), each country's own working days left, and who of the
members asked is away; a missing country whose every asked member is away on the due date is
away, not missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from scheduling.nudges.plan import consortium_rules, next_day, rules_of
from scheduling.nudges.rules import NudgeRule
from scheduling.updates.views import RoundStatus, asked_members
from scheduling.workdays.days import WorkingDays
from scheduling.workdays.service import holiday_book
from storage.repositories import UnitOfWork


@dataclass(frozen=True)
class MemberAway:
    """An asked member away today or on some day up to the due date."""

    name: str
    first: date
    last: date


@dataclass(frozen=True)
class CountryCalendar:
    days_left: int  # the country's own working days after today up to the due date
    away: tuple[MemberAway, ...] = ()
    all_away: bool = False  # every member asked is away on the due date
    # The names of the country's members when every one of them is deactivated in Slack.
    deactivated: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoundCalendar:
    rules: tuple[NudgeRule, ...]
    own_rules: bool  # the round's own rules, not the consortium's default
    paused: bool
    next_day: date | None  # the next nominal day (None: none left, paused or closed)
    countries: Mapping[str, CountryCalendar]


def with_calendars(work: UnitOfWork, status: RoundStatus, today: date) -> RoundStatus:
    """`status` with its round's calendar, read in the caller's transaction (three queries
    whatever the number of countries)."""
    round_ = work.rounds.get(status.round.id)
    if round_ is None:
        return status
    book = holiday_book(work)
    rules = rules_of(round_, consortium_rules(work))
    members = work.directory.member_rows()  # plain rows: a thousand members are no objects
    names = {member.slack_id: member.name for member in members}
    codes = [row.country.code for row in status.countries]
    asked = asked_members(members, codes)
    due = round_.due_on
    away = work.away.of_members({m for ids in asked.values() for m in ids}, today)
    countries = {}
    for code in codes:
        periods = [
            (member, first, last)
            for member in asked[code]
            for first, last in away.get(member, ())
            if first <= max(due, today) and last >= today
        ]
        on_due = {member for member, first, last in periods if first <= due <= last}
        listed = [member for member in members if code in member.country_codes]
        gone = all(member.deactivated_at is not None for member in listed)
        countries[code] = CountryCalendar(
            days_left=WorkingDays(book, code).between(today, due),
            away=tuple(MemberAway(names.get(m, m), first, last) for m, first, last in periods),
            all_away=bool(asked[code]) and on_due >= set(asked[code]),
            deactivated=tuple(member.name for member in listed) if listed and gone else (),
        )
    calendar = RoundCalendar(
        rules=rules,
        own_rules=round_.nudges is not None,
        paused=round_.nudges_paused,
        next_day=next_day(round_, rules, WorkingDays(book, None), today),
        countries=countries,
    )
    return replace(status, calendar=calendar)
