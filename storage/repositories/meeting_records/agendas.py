"""Topics, their support by country, and each occurrence's agenda; and what a draft agenda
reads from elsewhere (country updates since the last occurrence, open action items)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.meeting_records import ActionItem, Agenda, Topic, TopicSupport
from storage.models import Country, CountryUpdate, Delivery


class UpdateNeedsRow(NamedTuple):
    """What a draft agenda takes from a country update."""

    id: int
    country_code: str
    country_name: str
    needs: str
    challenges: str
    posted_channel: str | None
    posted_ts: str | None


class OpenActionRow(NamedTuple):
    id: int
    text: str
    country_code: str | None
    member_id: str | None
    due_on: date | None


class AgendaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- topics ---------------------------------------------------------------------------

    def add_topic(self, topic: Topic) -> Topic:
        self.session.add(topic)
        self.session.flush()
        return topic

    def topic(self, topic_id: int, *, to_change: bool = False) -> Topic | None:
        query = select(Topic).where(Topic.id == topic_id)
        if to_change:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def topics(
        self, meeting_id: int, occurrence_local: datetime, *, proposed_only: bool = True
    ) -> Sequence[Topic]:
        query = select(Topic).where(
            Topic.meeting_id == meeting_id, Topic.occurrence_local == occurrence_local
        )
        if proposed_only:
            query = query.where(Topic.status == "proposed")
        return self.session.scalars(query.order_by(Topic.id)).all()

    def supporters(self, topic_ids: Sequence[int]) -> dict[int, list[str]]:
        """The country codes supporting each topic, in the order they came."""
        found: dict[int, list[str]] = {topic_id: [] for topic_id in topic_ids}
        if not topic_ids:
            return found
        rows = self.session.execute(
            select(TopicSupport.topic_id, TopicSupport.country_code)
            .where(TopicSupport.topic_id.in_(topic_ids))
            .order_by(TopicSupport.id)
        )
        for topic_id, country in rows:
            found[topic_id].append(country)
        return found

    def support(self, topic_id: int, country_code: str) -> TopicSupport | None:
        return self.session.scalars(
            select(TopicSupport).where(
                TopicSupport.topic_id == topic_id, TopicSupport.country_code == country_code
            )
        ).first()

    def add_support(self, support: TopicSupport) -> None:
        self.session.add(support)
        self.session.flush()

    def move_supports(self, from_topic: int, to_topic: int) -> None:
        """A merged topic's support counted for the one it went into (one per country)."""
        kept = set(self.supporters([to_topic])[to_topic])
        for support in self.session.scalars(
            select(TopicSupport).where(TopicSupport.topic_id == from_topic)
        ):
            if support.country_code in kept:
                self.session.delete(support)
            else:
                support.topic_id = to_topic
                kept.add(support.country_code)

    def count_topics(self, meeting_id: int, occurrence_local: datetime) -> int:
        return int(
            self.session.scalar(
                select(func.count(Topic.id)).where(
                    Topic.meeting_id == meeting_id,
                    Topic.occurrence_local == occurrence_local,
                    Topic.status == "proposed",
                )
            )
            or 0
        )

    def count_open_actions(self, meeting_id: int, occurrence_local: datetime) -> int:
        """The open action items that came out of (or were set for) one occurrence."""
        return int(
            self.session.scalar(
                select(func.count(ActionItem.id)).where(
                    ActionItem.meeting_id == meeting_id,
                    ActionItem.occurrence_local == occurrence_local,
                    ActionItem.status == "open",
                )
            )
            or 0
        )

    def carry_open_actions(self, meeting_id: int, from_local: datetime, to_local: datetime) -> int:
        """The open action items of one occurrence moved to another; how many."""
        moved = self.session.execute(
            update(ActionItem)
            .where(
                ActionItem.meeting_id == meeting_id,
                ActionItem.occurrence_local == from_local,
                ActionItem.status == "open",
            )
            .values(occurrence_local=to_local)
        )
        return int(getattr(moved, "rowcount", 0) or 0)

    def carry_topics(self, meeting_id: int, from_local: datetime, to_local: datetime) -> int:
        """Every topic of one occurrence moved to another; how many."""
        moved = self.session.execute(
            update(Topic)
            .where(Topic.meeting_id == meeting_id, Topic.occurrence_local == from_local)
            .values(occurrence_local=to_local, position=None)
        )
        return int(getattr(moved, "rowcount", 0) or 0)

    # -- agendas --------------------------------------------------------------------------

    def canvas_of_channel(self, channel: str) -> str | None:
        """The channel canvas the latest agenda published in `channel` was written to."""
        return self.session.scalar(
            select(Agenda.canvas_id)
            .where(Agenda.channel == channel, Agenda.canvas_id.is_not(None))
            .order_by(Agenda.published_at.desc())
            .limit(1)
        )

    def agenda(
        self, meeting_id: int, occurrence_local: datetime, *, to_change: bool = False
    ) -> Agenda | None:
        query = select(Agenda).where(
            Agenda.meeting_id == meeting_id, Agenda.occurrence_local == occurrence_local
        )
        if to_change:
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def add_agenda(self, agenda: Agenda) -> None:
        self.session.add(agenda)
        self.session.flush()

    # -- what a draft reads from elsewhere -------------------------------------------------

    def needs_between(self, since: datetime | None, until: datetime) -> list[UpdateNeedsRow]:
        """Updates created in [since, until) that name needs or challenges, oldest first."""
        query = (
            select(
                CountryUpdate.id,
                CountryUpdate.country_code,
                Country.name,
                CountryUpdate.needs,
                CountryUpdate.challenges,
                CountryUpdate.posted_channel,
                CountryUpdate.posted_ts,
            )
            .join(Country, Country.code == CountryUpdate.country_code)
            .where(CountryUpdate.created_at < until)
            .where(
                (func.trim(CountryUpdate.needs) != "") | (func.trim(CountryUpdate.challenges) != "")
            )
            .order_by(CountryUpdate.created_at, CountryUpdate.id)
        )
        if since is not None:
            query = query.where(CountryUpdate.created_at >= since)
        return [UpdateNeedsRow(*row) for row in self.session.execute(query)]

    def open_actions_due(self, by: date) -> list[OpenActionRow]:
        """Open action items due on or before `by`, earliest first."""
        query = (
            select(
                ActionItem.id,
                ActionItem.text,
                ActionItem.country_code,
                ActionItem.member_id,
                ActionItem.due_on,
            )
            .where(ActionItem.status == "open", ActionItem.due_on <= by)
            .order_by(ActionItem.due_on, ActionItem.id)
        )
        return [OpenActionRow(*row) for row in self.session.execute(query)]

    def known_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of these delivery keys the outbox has seen (claimed, sent or skipped)."""
        if not keys:
            return set()
        return set(self.session.scalars(select(Delivery.key).where(Delivery.key.in_(keys))))
