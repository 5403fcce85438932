"""The Home tab's facts for one member, read in one transaction; and who has a Home tab to
redraw when something in it changes."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from scheduling.actions.items import open_lines
from scheduling.actions.minutes import missing_minutes
from scheduling.calendars.feeds import FeedService
from scheduling.clock import Clock, today_in
from scheduling.consortium.directory import (
    CountryRef,
    DirectoryService,
    MemberProfile,
)
from scheduling.home.facts import (
    MEETING_DAYS,
    RECENT_DAYS,
    SHOWN_ACTIONS,
    SHOWN_AWAY,
    SHOWN_DEACTIVATED,
    SHOWN_MEETINGS,
    SHOWN_MISSING_MINUTES,
    SHOWN_PROBLEMS,
    SHOWN_ROUNDS,
    SHOWN_UPDATES,
    ConsortiumState,
    Cut,
    DeliveryHealth,
    HomeFacts,
    MyMeeting,
    MySettings,
    OwedRound,
)
from scheduling.lifecycle.service import deactivated_members
from scheduling.meetings.mapping import series_of
from scheduling.meetings.occurrences import Occurrence, Series, occurrences
from scheduling.meetings.rsvp import TotalsCounter
from scheduling.updates.views import RoundStatus, UpdateLine, consortium_today, statuses
from scheduling.vocabulary import RsvpAnswer
from scheduling.workdays.away import AwayMember, AwayPeriodView, away_members
from scheduling.workdays.service import hours_of
from storage.db import Database
from storage.repositories import UnitOfWork


class HomeService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        directory: DirectoryService,
        feeds: FeedService,
        *,
        mail_works: bool = False,
    ) -> None:
        self.database = database
        self.clock = clock
        self.directory = directory
        self.feeds = feeds
        self.mail_works = mail_works

    def opened(self, slack_id: str) -> None:
        """The member opened the Home tab: from now on, changes redraw it."""
        with self.database.write() as work:
            work.directory.mark_home_opened(slack_id, self.clock.now())

    def viewers(self, slack_ids: Collection[str] | None = None) -> list[str]:
        """Whose Home tab to redraw: the members who have opened it (of `slack_ids`)."""
        with self.database.read() as work:
            return work.directory.home_viewers(slack_ids)

    def facts(self, profile: MemberProfile) -> HomeFacts:
        """Everything the member's Home tab shows, as of now."""
        # The feed tokens are made on first use, so they are read (or written) first.
        feeds = tuple(self.feeds.links_for(profile))
        profiles = self.directory.snapshot().profiles
        now = self.clock.now()
        with self.database.read() as work:
            consortium = work.directory.consortium()
            _, today = consortium_today(work, self.clock)
            upcoming = _upcoming(work, now, now + timedelta(days=MEETING_DAYS))
            answers = work.rsvps.answers({(o.series.id, o.original_local) for o in upcoming})
            totals = TotalsCounter(profiles) if profile.is_coordinator else None
            meetings = [_meeting(o, answers, profile.slack_id, totals) for o in upcoming]
            rounds = statuses(work, self.clock, work.rounds.open_rounds())
            answered = work.updates.latest_answers([s.round.id for s in rounds])
            countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
            recent = _recent(work, countries, now)
            coordinator = (
                ConsortiumState(
                    Cut.of(rounds, SHOWN_ROUNDS),
                    DeliveryHealth(
                        work.deliveries.counts(),
                        Cut.of(
                            [
                                (d.key, d.status, d.error or "", d.attempts)
                                for d in work.deliveries.problems(SHOWN_PROBLEMS + 1)
                            ],
                            SHOWN_PROBLEMS,
                        ),
                    ),
                    Cut.of(meetings, SHOWN_MEETINGS),
                    Cut.of(missing_minutes(work, now), SHOWN_MISSING_MINUTES),
                    Cut.of(_away_members(work, profiles, now), SHOWN_AWAY),
                    Cut.of(deactivated_members(work, profiles), SHOWN_DEACTIVATED),
                )
                if profile.is_coordinator
                else None
            )
            codes = [c.code for c in profile.countries]
            actions, more_actions = open_lines(work, countries, codes, SHOWN_ACTIONS)
            settings = MySettings(
                reminders=profile.reminder_delivery,
                email=profile.email,
                invitations_by_mail=profile.takes_mailed_invitations,
                mail_works=self.mail_works,
                digest_by_dm=profile.digest_by_dm,
                feeds=feeds,
                working_hours=f"{hours_of(profile)}"
                f"{' (the default)' if profile.working_hours is None else ''} in {profile.timezone}",
            )
            own_today = today_in(self.clock, profile.timezone)
            away = tuple(
                AwayPeriodView(p.id, profile.slack_id, p.first_day, p.last_day)
                for p in work.away.of_member(profile.slack_id, own_today)
            )
        mine = [m for m in meetings if m.occurrence.series.audience.includes(profile)]
        return HomeFacts(
            profile=profile,
            consortium=consortium.name if consortium else "Consortium",
            today=today,
            meetings=Cut.of(mine, SHOWN_MEETINGS),
            owed=Cut.of(_owed(rounds, answered, profile), SHOWN_ROUNDS),
            recent=Cut.of(recent, SHOWN_UPDATES),
            settings=settings,
            coordinator=coordinator,
            actions=Cut(tuple(actions), more_actions),
            away=away,
            away_today=own_today,
        )


def _away_members(
    work: UnitOfWork, profiles: Mapping[str, MemberProfile], now: datetime
) -> list[AwayMember]:
    today = now.date()
    return away_members(profiles, work.away.of_members(None, today - timedelta(days=1)), today)


def _upcoming(work: UnitOfWork, start: datetime, end: datetime) -> list[Occurrence]:
    """Every live meeting's occurrences in [start, end), in order."""
    stored = work.meetings.as_rows()
    live: list[Series] = [
        series_of(m, stored.exceptions.get(m.id, []))
        for m in stored.meetings
        if m.cancelled_at is None
    ]
    found = [o for series in live for o in occurrences(series, start, end)]
    return sorted(found, key=lambda o: (o.start, o.series.id))


def _meeting(
    occurrence: Occurrence,
    answers: Mapping[tuple[int, datetime], Mapping[str, str]],
    slack_id: str,
    totals: TotalsCounter | None,
) -> MyMeeting:
    given = answers.get((occurrence.series.id, occurrence.original_local), {})
    mine = given.get(slack_id)
    return MyMeeting(
        occurrence,
        RsvpAnswer(mine) if mine else None,
        totals(occurrence, given) if totals is not None else None,
    )


def _owed(
    rounds: Sequence[RoundStatus], answered: Mapping[tuple[int, str], int], profile: MemberProfile
) -> list[OwedRound]:
    """Each open round's line for each of the member's countries it asks, soonest due first."""
    owed = [
        OwedRound(
            status.round,
            row.country,
            row.submitted_on,
            row.late,
            answered.get((status.round.id, row.country.code)),
        )
        for status in rounds
        for row in status.countries
        if profile.speaks_for(row.country.code)
    ]
    return sorted(owed, key=lambda o: (o.round.due_on, o.round.id, o.country.name))


def _recent(
    work: UnitOfWork, countries: Mapping[str, CountryRef], now: datetime
) -> list[UpdateLine]:
    """The consortium's updates of the last days, newest first."""
    rows = work.updates.lines_between(now - timedelta(days=RECENT_DAYS), now)
    lines = [
        UpdateLine(
            row.id,
            countries[row.country_code],
            row.text.strip().splitlines()[0] if row.text.strip() else "",
            row.posted_channel,
            row.posted_ts,
        )
        for row in rows
        if row.country_code in countries
    ]
    return sorted(lines, key=lambda line: line.id, reverse=True)
