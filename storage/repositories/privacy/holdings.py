"""Every row that names one member, read in one transaction: the reads behind a member's
access to their data (GDPR art. 15) and its portable copy (art. 20).

The tables and columns are those `storage.repositories.privacy.people.py` lists; `tests/privacy`
checks that each row any of those columns names the member by is found here, so a table
added to that list without a read here fails a test rather than being left out of exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from storage.meeting_records import (
    ActionItem,
    Agenda,
    Attendance,
    OccurrenceLink,
    Topic,
    TopicSupport,
)
from storage.models import (
    AwayPeriod,
    Country,
    CountryUpdate,
    Delivery,
    Erasure,
    FeedToken,
    Meeting,
    Member,
    Round,
    Rsvp,
    UpdateRevision,
)
from storage.repositories.privacy.people import addressed_to, attended_by


@dataclass(frozen=True)
class Holdings:
    """The rows that name one member, each with what it refers to (its meeting, its update),
    oldest first. `attendance` is where they were present (by their Slack ID or matched by
    their e-mail address); `attendance_recorded` is attendance they recorded."""

    member: Member | None
    country_names: dict[str, str]
    # Every other member's Slack ID: never copied into this member's file.
    others: frozenset[str]
    away: Sequence[AwayPeriod]
    feeds: Sequence[FeedToken]
    rsvps: Sequence[tuple[Rsvp, Meeting]]
    attendance: Sequence[tuple[Attendance, Meeting]]
    attendance_recorded: Sequence[tuple[Attendance, Meeting]]
    updates_written: Sequence[CountryUpdate]
    revisions: Sequence[tuple[UpdateRevision, CountryUpdate]]
    topics: Sequence[tuple[Topic, Meeting]]
    supports: Sequence[tuple[TopicSupport, Topic, Meeting]]
    agendas: Sequence[tuple[Agenda, Meeting]]
    links: Sequence[tuple[OccurrenceLink, Meeting]]
    actions: Sequence[tuple[ActionItem, Meeting | None]]
    meetings: Sequence[Meeting]
    rounds: Sequence[Round]
    deliveries: Sequence[Delivery]
    erasures: Sequence[Erasure]


class PersonalDataRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def holdings(self, member_id: str) -> Holdings:
        """Everything that names `member_id` (and, for attendance imported from a meeting
        platform's report and for invitations by e-mail, their address)."""
        member = self.session.scalar(
            select(Member)
            .where(Member.slack_id == member_id)
            .options(selectinload(Member.countries), selectinload(Member.roles))
        )
        email = member.email.lower() if member is not None and member.email else None
        return Holdings(
            member=member,
            country_names=dict(
                (code, name)
                for code, name in self.session.execute(select(Country.code, Country.name))
            ),
            others=frozenset(
                self.session.scalars(select(Member.slack_id).where(Member.slack_id != member_id))
            ),
            away=self._rows(
                select(AwayPeriod)
                .where(AwayPeriod.member_id == member_id)
                .order_by(AwayPeriod.first_day, AwayPeriod.id)
            ),
            feeds=self._rows(
                select(FeedToken)
                .where(FeedToken.member_id == member_id)
                .order_by(FeedToken.created_at, FeedToken.audience)
            ),
            rsvps=self._pairs(
                select(Rsvp, Meeting)
                .join(Meeting, Meeting.id == Rsvp.meeting_id)
                .where(Rsvp.member_id == member_id)
                .order_by(Rsvp.answered_at, Rsvp.id)
            ),
            attendance=self._pairs(
                select(Attendance, Meeting)
                .join(Meeting, Meeting.id == Attendance.meeting_id)
                .where(attended_by(member_id, email))
                .order_by(Attendance.created_at, Attendance.id)
            ),
            attendance_recorded=self._pairs(
                select(Attendance, Meeting)
                .join(Meeting, Meeting.id == Attendance.meeting_id)
                .where(Attendance.recorded_by == member_id)
                .order_by(Attendance.created_at, Attendance.id)
            ),
            updates_written=self._rows(
                select(CountryUpdate)
                .where(CountryUpdate.author_id == member_id)
                .options(
                    selectinload(CountryUpdate.revisions),
                    selectinload(CountryUpdate.country),
                    selectinload(CountryUpdate.round),
                )
                .order_by(CountryUpdate.created_at, CountryUpdate.id)
            ),
            revisions=self._pairs(
                select(UpdateRevision, CountryUpdate)
                .join(CountryUpdate, CountryUpdate.id == UpdateRevision.update_id)
                .where(UpdateRevision.editor_id == member_id)
                .order_by(UpdateRevision.edited_at, UpdateRevision.id)
            ),
            topics=self._pairs(
                select(Topic, Meeting)
                .join(Meeting, Meeting.id == Topic.meeting_id)
                .where(Topic.proposed_by == member_id)
                .order_by(Topic.created_at, Topic.id)
            ),
            supports=[
                (support, topic, meeting)
                for support, topic, meeting in self.session.execute(
                    select(TopicSupport, Topic, Meeting)
                    .join(Topic, Topic.id == TopicSupport.topic_id)
                    .join(Meeting, Meeting.id == Topic.meeting_id)
                    .where(TopicSupport.member_id == member_id)
                    .order_by(TopicSupport.created_at, TopicSupport.id)
                )
            ],
            agendas=self._pairs(
                select(Agenda, Meeting)
                .join(Meeting, Meeting.id == Agenda.meeting_id)
                .where(Agenda.published_by == member_id)
                .order_by(Agenda.published_at, Agenda.id)
            ),
            links=self._pairs(
                select(OccurrenceLink, Meeting)
                .join(Meeting, Meeting.id == OccurrenceLink.meeting_id)
                .where(OccurrenceLink.added_by == member_id)
                .order_by(OccurrenceLink.created_at, OccurrenceLink.id)
            ),
            actions=[
                (action, meeting)
                for action, meeting in self.session.execute(
                    select(ActionItem, Meeting)
                    .outerjoin(Meeting, Meeting.id == ActionItem.meeting_id)
                    .where(
                        or_(
                            ActionItem.member_id == member_id,
                            ActionItem.created_by == member_id,
                            ActionItem.done_by == member_id,
                        )
                    )
                    .order_by(ActionItem.created_at, ActionItem.id)
                )
            ],
            meetings=self._rows(
                select(Meeting)
                .where(Meeting.created_by == member_id)
                .order_by(Meeting.created_at, Meeting.id)
            ),
            rounds=self._rows(
                select(Round).where(Round.created_by == member_id).order_by(Round.created_at)
            ),
            deliveries=self._rows(
                select(Delivery)
                .where(addressed_to(member_id, email))
                .order_by(Delivery.due_at, Delivery.id)
            ),
            erasures=self._rows(
                select(Erasure)
                .where(Erasure.requested_by == member_id)
                .order_by(Erasure.erased_at, Erasure.id)
            ),
        )

    def _rows(self, query: Any) -> list[Any]:
        return list(self.session.scalars(query))

    def _pairs(self, query: Any) -> list[tuple[Any, Any]]:
        return [(first, second) for first, second in self.session.execute(query)]
