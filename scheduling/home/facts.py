"""What a member's Home tab shows, as plain values: their next meetings and answers, what
their country owes, the consortium's recent updates, their settings, and for coordinators
the state of the whole consortium. Each list is cut to what a tab can show, with the count
of what was left out, so the Home tab stays within Slack's limits at any size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from scheduling.actions.items import ActionLine
from scheduling.actions.minutes import MissingMinutes
from scheduling.calendars.feeds import FeedLink
from scheduling.consortium.directory import CountryRef, MemberProfile
from scheduling.lifecycle.workspace import DeactivatedMember
from scheduling.meetings.occurrences import Occurrence
from scheduling.meetings.rsvp import RsvpTotals
from scheduling.updates.views import RoundStatus, RoundView, UpdateLine
from scheduling.vocabulary import RsvpAnswer
from scheduling.workdays.away import AwayMember, AwayPeriodView

T = TypeVar("T")

# How far ahead and back the tab looks, and how many of each it shows.
MEETING_DAYS = 14
RECENT_DAYS = 7
SHOWN_MEETINGS = 8
SHOWN_ROUNDS = 6
SHOWN_UPDATES = 8
SHOWN_PROBLEMS = 5
SHOWN_ACTIONS = 5
SHOWN_MISSING_MINUTES = 4
SHOWN_AWAY = 10
SHOWN_DEACTIVATED = 5


@dataclass(frozen=True)
class Cut(Generic[T]):
    """The first items of a list and how many more there were."""

    shown: tuple[T, ...]
    more: int = 0

    @classmethod
    def of(cls, items: Sequence[T], limit: int) -> Cut[T]:
        return cls(tuple(items[:limit]), max(0, len(items) - limit))


@dataclass(frozen=True)
class MyMeeting:
    """An occurrence, the member's own answer (None: not yet), and everyone's totals (counted
    only for coordinators, who alone see them)."""

    occurrence: Occurrence
    answer: RsvpAnswer | None
    totals: RsvpTotals | None = None


@dataclass(frozen=True)
class OwedRound:
    """An open round as one of its countries sees it: answered or not, and the update that
    answered it (to edit), if any."""

    round: RoundView
    country: CountryRef
    submitted_on: date | None  # in the consortium's zone, as the round counts days
    late: bool
    update_id: int | None


@dataclass(frozen=True)
class MySettings:
    reminders: str  # "dm" or "channel"
    email: str | None
    invitations_by_mail: bool
    mail_works: bool  # the bot can send e-mail at all
    digest_by_dm: bool
    feeds: tuple[FeedLink, ...]
    working_hours: str = "08:00-19:00 (the default)"  # with the member's zone


@dataclass(frozen=True)
class DeliveryHealth:
    """The `/consortium status` facts: messages by state, and the latest pending or failed."""

    counts: dict[str, int]
    problems: Cut[tuple[str, str, str, int]]  # key, state, error, attempts


@dataclass(frozen=True)
class ConsortiumState:
    """What only coordinators see: every open round's progress, deliveries, every meeting."""

    rounds: Cut[RoundStatus]
    deliveries: DeliveryHealth
    meetings: Cut[MyMeeting]
    missing_minutes: Cut[MissingMinutes] = Cut(())
    away: Cut[AwayMember] = Cut(())  # members away now or within two weeks
    deactivated: Cut[DeactivatedMember] = Cut(())  # Slack accounts deactivated, oldest first


@dataclass(frozen=True)
class HomeFacts:
    profile: MemberProfile
    consortium: str
    today: date  # in the consortium's zone, as rounds count days
    meetings: Cut[MyMeeting]
    owed: Cut[OwedRound]
    recent: Cut[UpdateLine]
    settings: MySettings
    coordinator: ConsortiumState | None
    actions: Cut[ActionLine] = Cut(())  # the open actions of the member's countries
    away: tuple[AwayPeriodView, ...] = ()  # the member's own days away not yet over
    away_today: date | None = None  # the member's today, as their days away count
