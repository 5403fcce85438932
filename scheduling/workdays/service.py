"""The calendars as the rest of the domain reads them, in the caller's transaction: the
holiday book of the consortium, the consortium's working days and each member's availability
(zone, country, working hours, days away)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from scheduling.consortium.directory import MemberProfile
from scheduling.workdays.days import WorkingDays
from scheduling.workdays.holidays import HolidayBook
from scheduling.workdays.hours import Availability, Away, WorkingHours
from storage.repositories import UnitOfWork


def holiday_book(work: UnitOfWork) -> HolidayBook:
    consortium = work.directory.consortium()
    return HolidayBook.of(consortium.holidays if consortium is not None else None)


def consortium_days(work: UnitOfWork) -> WorkingDays:
    """The consortium's working days: Monday to Friday but its days off of every country."""
    return WorkingDays(holiday_book(work), None)


def hours_of(profile: MemberProfile) -> WorkingHours:
    """The member's working hours; stored hours that no longer read are the default."""
    try:
        return WorkingHours.parse(profile.working_hours)
    except ValueError:
        return WorkingHours()


def availability(
    profile: MemberProfile, book: HolidayBook, away: Iterable[tuple[date, date]] = ()
) -> Availability:
    return Availability(
        zone=profile.timezone,
        country=profile.home_country,
        book=book,
        hours=hours_of(profile),
        away=tuple(Away(first, last) for first, last in away),
    )


def availabilities(
    work: UnitOfWork, profiles: Iterable[MemberProfile], today: date
) -> dict[str, Availability]:
    """Each member's availability, read with two queries whatever their number; periods
    that ended before yesterday (in any zone) are left out."""
    profiles = list(profiles)
    book = holiday_book(work)
    away = work.away.of_members([p.slack_id for p in profiles], today - timedelta(days=1))
    return {p.slack_id: availability(p, book, away.get(p.slack_id, ())) for p in profiles}
