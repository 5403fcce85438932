"""Topics: proposed by anyone the meeting is for, supported once per country, ordered, merged
or dropped by coordinators, and carried from a cancelled occurrence to the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scheduling.agenda.facts import TopicLine
from scheduling.agenda.reading import (
    named_occurrence,
    occurrence_at,
    ordered,
    series_of_meeting,
    topic_lines,
)
from scheduling.clock import Clock
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError, NotAllowedError
from scheduling.language.dates import short_date
from scheduling.meetings.mapping import to_series
from scheduling.meetings.occurrences import Occurrence, Series, localise, next_of
from storage.db import Database
from storage.meeting_records import MAX_TOPIC_LENGTH, Topic, TopicSupport
from storage.repositories import UnitOfWork


class TopicError(FieldError):
    """A topic request refused; `field` names what to fix."""


@dataclass(frozen=True)
class Proposed:
    topic_id: int
    title: str
    series: Series
    occurrence: Occurrence


@dataclass(frozen=True)
class Carried:
    """What goes with a cancelled occurrence to the next: its topics and open actions."""

    topics: int
    actions: int

    def __bool__(self) -> bool:
        return bool(self.topics or self.actions)

    def words(self) -> str:
        """`2 topics and 1 open action`."""
        parts = [f"{self.topics} topic{'s' if self.topics != 1 else ''}"] if self.topics else []
        if self.actions:
            parts.append(f"{self.actions} open action{'s' if self.actions != 1 else ''}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Supported:
    """A click on Support: `added` False when the country already supported it."""

    title: str
    country_name: str
    added: bool
    supporters: tuple[str, ...]


@dataclass(frozen=True)
class TopicList:
    series: Series
    occurrence: Occurrence
    topics: tuple[TopicLine, ...]


def check_topic_title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise TopicError('say the topic in quotes, e.g. "Twinning visits in spring"', "topic")
    if len(title) > MAX_TOPIC_LENGTH:
        raise TopicError(
            f"the topic is {len(title)} characters; keep it under {MAX_TOPIC_LENGTH}", "topic"
        )
    return title


def _check_coordinator(actor: MemberProfile, what: str) -> None:
    if not actor.is_coordinator:
        raise NotAllowedError(f"Only coordinators can {what}.", "member")


def _check_audience(actor: MemberProfile, series: Series, what: str) -> None:
    if not (series.audience.includes(actor) or actor.is_coordinator):
        raise NotAllowedError(
            f"{series.title} is for {series.audience.words}, so you cannot {what} for it",
            "member",
        )


class TopicService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def propose(
        self, actor: MemberProfile, meeting_id: int, title: str, on: date | None
    ) -> Proposed:
        """A topic for the occurrence on `on` (default: the next one), by someone it is for."""
        title = check_topic_title(title)
        now = self.clock.now()
        with self.database.write() as work:
            _, series = series_of_meeting(work, meeting_id)
            _check_audience(actor, series, "propose topics")
            occurrence = named_occurrence(series, on, now)
            if occurrence.end <= now:
                raise TopicError(f"{series.title} on {short_date(occurrence.local_date)} is over")
            country = actor.countries[0].code if actor.countries else None
            topic = work.agendas.add_topic(
                Topic(
                    meeting_id=series.id,
                    occurrence_local=occurrence.original_local,
                    title=title,
                    proposed_by=actor.slack_id,
                    country_code=country,
                    status="proposed",
                    created_at=now,
                )
            )
            if country is not None:
                work.agendas.add_support(
                    TopicSupport(
                        topic_id=topic.id,
                        country_code=country,
                        member_id=actor.slack_id,
                        created_at=now,
                    )
                )
            return Proposed(topic.id, title, series, occurrence)

    def support(self, actor: MemberProfile, topic_id: int) -> Supported:
        """The actor's country supports the topic; once per country, whoever clicks."""
        now = self.clock.now()
        with self.database.write() as work:
            topic = _proposed(work, topic_id)
            meeting = work.meetings.get(topic.meeting_id)
            assert meeting is not None
            series = to_series(meeting)
            _check_audience(actor, series, "support topics")
            if not actor.countries:
                raise NotAllowedError("you speak for no country, so you cannot support topics")
            country = actor.countries[0]
            added = work.agendas.support(topic.id, country.code) is None
            if added:
                work.agendas.add_support(
                    TopicSupport(
                        topic_id=topic.id,
                        country_code=country.code,
                        member_id=actor.slack_id,
                        created_at=now,
                    )
                )
            supporters = tuple(work.agendas.supporters([topic.id])[topic.id])
            return Supported(topic.title, country.name, added, supporters)

    def listing(self, actor: MemberProfile, meeting_id: int, on: date | None) -> TopicList:
        with self.database.read() as work:
            _, series = series_of_meeting(work, meeting_id)
            _check_audience(actor, series, "see its topics")
            occurrence = named_occurrence(series, on, self.clock.now())
            lines = topic_lines(work, series.id, occurrence.original_local)
            return TopicList(series, occurrence, tuple(lines))

    def drop(self, actor: MemberProfile, topic_id: int) -> TopicList:
        _check_coordinator(actor, "drop topics")
        with self.database.write() as work:
            topic = _proposed(work, topic_id)
            topic.status = "dropped"
            return self._list_after(work, topic)

    def merge(self, actor: MemberProfile, topic_id: int, into_id: int) -> TopicList:
        """`topic_id` goes into `into_id`, its support with it (one vote per country)."""
        _check_coordinator(actor, "merge topics")
        with self.database.write() as work:
            topic, into = _proposed(work, topic_id), _proposed(work, into_id)
            same = (topic.meeting_id, topic.occurrence_local) == (
                into.meeting_id,
                into.occurrence_local,
            )
            if topic.id == into.id or not same:
                raise TopicError("merge two different topics of the same meeting", "topic")
            work.agendas.move_supports(topic.id, into.id)
            topic.status, topic.merged_into = "merged", into.id
            return self._list_after(work, into)

    def up(self, actor: MemberProfile, topic_id: int) -> TopicList:
        """Move a topic one place up the list (the order is kept from then on)."""
        _check_coordinator(actor, "order topics")
        with self.database.write() as work:
            topic = _proposed(work, topic_id)
            topics = list(work.agendas.topics(topic.meeting_id, topic.occurrence_local))
            supporters = work.agendas.supporters([t.id for t in topics])
            order = ordered(topics, supporters)
            index = order.index(topic)
            if index > 0:
                order[index - 1], order[index] = order[index], order[index - 1]
            for position, each in enumerate(order, start=1):
                each.position = position
            return self._list_after(work, topic)

    def by_number(
        self, actor: MemberProfile, meeting_id: int, on: date | None, numbers: list[int]
    ) -> list[int]:
        """The topic ids of list numbers (as `/meeting topics` shows them)."""
        listed = self.listing(actor, meeting_id, on)
        by_number = {line.number: line.id for line in listed.topics}
        missing = [n for n in numbers if n not in by_number]
        if missing:
            raise TopicError(
                f"there is no topic {missing[0]}; `/meeting topics {meeting_id}` lists them",
                "number",
            )
        return [by_number[n] for n in numbers]

    def carry_offer(
        self, meeting_id: int, original_local: datetime
    ) -> tuple[Carried, Occurrence | None]:
        """What a cancelled occurrence had (topics, open actions), and the occurrence they
        could go to."""
        with self.database.read() as work:
            had = Carried(
                work.agendas.count_topics(meeting_id, original_local),
                work.agendas.count_open_actions(meeting_id, original_local),
            )
            if not had:
                return had, None
            _, series = series_of_meeting(work, meeting_id)
            return had, _following(series, original_local, self.clock.now())

    def carry(
        self, actor: MemberProfile, meeting_id: int, original_local: datetime
    ) -> tuple[Carried, Occurrence]:
        """The topics and open actions of a cancelled occurrence moved to the next one; how
        many, and where."""
        _check_coordinator(actor, "carry topics")
        now = self.clock.now()
        with self.database.write() as work:
            _, series = series_of_meeting(work, meeting_id)
            following = _following(series, original_local, now)
            if following is None:
                raise TopicError(f"#{series.id} has no occurrence to come", "occurrence")
            to = following.original_local
            moved = Carried(
                work.agendas.carry_topics(series.id, original_local, to),
                work.agendas.carry_open_actions(series.id, original_local, to),
            )
            return moved, following

    def _list_after(self, work: UnitOfWork, topic: Topic) -> TopicList:
        work.flush()
        meeting = work.meetings.get(topic.meeting_id)
        assert meeting is not None
        series = to_series(meeting)
        occurrence = occurrence_at(series, topic.occurrence_local)
        lines = topic_lines(work, series.id, topic.occurrence_local)
        return TopicList(series, occurrence, tuple(lines))


def _proposed(work: UnitOfWork, topic_id: int) -> Topic:
    topic = work.agendas.topic(topic_id, to_change=True)
    if topic is None or topic.status != "proposed":
        raise TopicError("that topic was dropped or merged meanwhile", "topic")
    return topic


def _following(series: Series, original_local: datetime, now: datetime) -> Occurrence | None:
    """The next occurrence after the one at `original_local` (and after now)."""
    after = max(now, localise(original_local, series.zone)) + timedelta(minutes=1)
    return next_of(series, after)
