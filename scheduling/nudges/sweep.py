"""Nudges that chase by themselves: the sweep queues, for each round whose next nudges are due
(`Round.next_nudge_at`, indexed), one DM per nominal day, missing country and member asked
for it, not before 09:30 on a working day of the member's country in their own zone; the send
step decides again as each comes due (away periods added since, the round paused or closed,
the country answered), puts a DM back until its recipient's next working morning, or gives
it up when the round's next nudge would come first. Each nudge has its own delivery key, so
ticks run twice and sweeps that race send it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from scheduling.consortium.directory import CountryRef, MemberProfile
from scheduling.delivery.deliverer import DeliveryKind, Pending, ScheduledWork, SweepReport
from scheduling.delivery.notices import NudgeFacts, RoundRequestNotice
from scheduling.nudges.plan import consortium_rules, rules_of
from scheduling.nudges.rules import (
    EARLIEST_OFFSET,
    NUDGE_TIME,
    next_nominal_day,
    nominal_days,
    trigger_at,
)
from scheduling.updates.views import (
    RoundView,
    asked_members,
    consortium_today,
    statuses,
)
from scheduling.workdays.days import WorkingDays
from scheduling.workdays.holidays import HolidayBook
from scheduling.workdays.hours import Availability, zone_of
from scheduling.workdays.service import availabilities, consortium_days, holiday_book
from storage.models import Round
from storage.repositories import UnitOfWork


@dataclass(frozen=True)
class QueuedNudge:
    """A nudge as its delivery's payload names it: the round, the nominal day, the country
    and the member."""

    round_id: int
    day: date
    country: str
    member: str

    @property
    def key(self) -> str:
        return f"{DeliveryKind.NUDGE}:{self.round_id}:{self.day.isoformat()}:{self.country}:{self.member}"

    def payload(self) -> dict[str, Any]:
        return {
            "round": self.round_id,
            "day": self.day.isoformat(),
            "country": self.country,
            "member": self.member,
        }

    @classmethod
    def of(cls, payload: dict[str, Any]) -> QueuedNudge | None:
        try:
            return cls(
                int(payload["round"]),
                date.fromisoformat(str(payload["day"])),
                str(payload["country"]),
                str(payload["member"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


# Why not to send (None: send), the round, its next nominal day, the member's availability,
# the holiday book.
_Facts = tuple[str | None, RoundView, date | None, dict[str, Availability], HolidayBook]


def nudge_moment(availability: Availability, day: date) -> datetime | None:
    """When a nudge of nominal day `day` may reach the member: 09:30 on that day in their
    zone, or on their next allowed day (a holiday of their country, a weekend or a day away
    moves it), within their working hours; None when no day of the year ahead is allowed."""
    first = availability.at_on_or_after(day, NUDGE_TIME)
    if first is None:
        return None
    moved_to = first.astimezone(zone_of(availability.zone)).date()
    return first if moved_to == day else availability.at_on_or_after(moved_to, NUDGE_TIME)


def _reached(now: datetime) -> date:
    """The last nominal day whose nudges are due to be queued by `now` (`trigger_at`)."""
    return (now + EARLIEST_OFFSET).date()


def _profiles(work: UnitOfWork, member_ids: set[str]) -> list[MemberProfile]:
    countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
    return [MemberProfile.of(m, countries) for m in work.directory.members(sorted(member_ids))]


class NudgeSweep(ScheduledWork):
    def sweep(self, now: datetime, report: SweepReport) -> list[str]:
        """Queue the nudges of every round due by `now`, each round in its own transaction
        (with the move of its `next_nudge_at`); returns the keys queued."""
        with self.database.read() as work:
            due = work.rounds.nudges_due(now)
        keys: list[str] = []
        for round_id in due:
            with self.database.write() as work:
                # Locked, and as stored now: a sweep that raced this one has moved it on.
                round_ = work.rounds.get_to_change(round_id)
                if round_ is not None:
                    keys += self._queue(work, round_, now)
        return keys

    def _queue(self, work: UnitOfWork, round_: Round, now: datetime) -> list[str]:
        since = round_.next_nudge_at
        if since is None or since > now or round_.closed_at is not None or round_.nudges_paused:
            return []
        rules = rules_of(round_, consortium_rules(work))
        calendar = consortium_days(work)
        reached = _reached(now)
        opens, due = round_.opens_on, round_.due_on
        days = [
            d for d in nominal_days(rules, opens, due, calendar, reached) if trigger_at(d) >= since
        ]
        (status,) = statuses(work, self.clock, [round_])
        codes = [row.country.code for row in status.missing if row.listed]
        asked = asked_members(work.directory.members(), codes)
        wanted = {member for members in asked.values() for member in members}
        today = consortium_today(work, self.clock)[1]
        reach = availabilities(work, _profiles(work, wanted), today) if days and wanted else {}
        keys = []
        for day in days:
            for code in codes:
                for member in asked[code]:
                    availability = reach.get(member)
                    moment = nudge_moment(availability, day) if availability else None
                    if moment is None:
                        continue
                    nudge = QueuedNudge(round_.id, day, code, member)
                    if work.deliveries.enqueue(
                        nudge.key,
                        kind=DeliveryKind.NUDGE,
                        channel=member,
                        now=now,
                        payload=nudge.payload(),
                        not_before=moment,
                    ):
                        keys.append(nudge.key)
        following = next_nominal_day(rules, opens, due, calendar, reached)
        round_.next_nudge_at = trigger_at(following) if following is not None else None
        return keys

    def send(self, pending: Pending, now: datetime, report: SweepReport) -> None:
        """DM a nudge that came due, unless it no longer should go: the round closed or
        paused, the country answered, or its next nudge comes first; out of the member's
        working days or hours, put back until their next working morning."""
        queued = QueuedNudge.of(pending.payload)
        with self.database.read() as work:
            round_ = work.rounds.get(queued.round_id) if queued is not None else None
            country = work.directory.country(queued.country) if queued is not None else None
            if queued is None or round_ is None or country is None:
                found = None
            else:
                found = self._facts(work, round_, queued)
        if found is None or queued is None or country is None:
            self.deliverer.give_up(pending.key, "the round or country is gone", report)
            return
        reason, view, following, reach, book = found
        availability = reach.get(queued.member)
        if reason is None and availability is None:
            reason = "the member is gone"
        if reason is not None or availability is None:
            self.deliverer.give_up(pending.key, reason or "", report)
            return
        moment = now if availability.allows(now) else nudge_moment_after(availability, now)
        if moment is None:
            self.deliverer.give_up(pending.key, "no working day of theirs in a year", report)
            return
        local_day = moment.astimezone(zone_of(availability.zone)).date()
        if following is not None and local_day >= following:
            self.deliverer.give_up(pending.key, "superseded by the next nudge", report)
            return
        if moment > now:
            self.deliverer.defer(pending.key, moment, report)
            return
        facts = NudgeFacts(
            local_day, WorkingDays(book, queued.country).between(local_day, view.due_on)
        )
        notice = RoundRequestNotice(
            view, CountryRef.of(country), queued.member, True, pending.key, nudge=facts
        )
        self.deliverer.deliver(
            pending.key,
            DeliveryKind.NUDGE,
            pending.channel,
            pending.due_at,
            {},
            lambda: self.notifier.round_request(notice),
            report,
        )

    def _facts(self, work: UnitOfWork, round_: Round, queued: QueuedNudge) -> _Facts:
        """What the send step decides by, read in one transaction."""
        rules = rules_of(round_, consortium_rules(work))
        following = next_nominal_day(
            rules, round_.opens_on, round_.due_on, consortium_days(work), queued.day
        )
        today = consortium_today(work, self.clock)[1]
        reach = availabilities(work, _profiles(work, {queued.member}), today)
        stale = self._stale(work, round_, queued)
        return stale, RoundView.of(round_), following, reach, holiday_book(work)

    def _stale(self, work: UnitOfWork, round_: Round, queued: QueuedNudge) -> str | None:
        """Why a queued nudge must not go any more, or None."""
        if round_.closed_at is not None:
            return "the round is closed"
        if round_.nudges_paused:
            return "the round's nudges are paused"
        (status,) = statuses(work, self.clock, [round_])
        if queued.country not in {row.country.code for row in status.missing}:
            return "the country has answered"
        return None


def nudge_moment_after(availability: Availability, now: datetime) -> datetime | None:
    """The member's next allowed moment after `now`, at 09:30 when it falls on a later day
    (a nudge put back waits for the next working morning, not the start of the day)."""
    found = availability.next_allowed(now)
    if found is None:
        return None
    zone = zone_of(availability.zone)
    day = found.astimezone(zone).date()
    if day == now.astimezone(zone).date():
        return found
    return nudge_moment(availability, day) or found
