"""Action items, and the links to an occurrence's minutes, notes, recordings and slides."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from storage.meeting_records import ActionItem, Agenda, OccurrenceLink

Occurrence = tuple[int, datetime]  # meeting id, original local start
ActionKey = tuple[date | None, datetime, int]  # an item's place in the list: due, created, id
T = TypeVar("T")


def _open(
    query: Select[T],
    countries: Collection[str] | None,
    member_id: str | None,
    after: ActionKey | None,
) -> Select[T]:
    query = query.where(ActionItem.status == "open")
    if countries is not None and member_id is not None:
        query = query.where(
            ActionItem.country_code.in_(countries) | (ActionItem.member_id == member_id)
        )
    elif countries is not None:
        query = query.where(ActionItem.country_code.in_(countries))
    elif member_id is not None:
        query = query.where(ActionItem.member_id == member_id)
    if after is not None:
        query = query.where(_after(after))
    return query


def _after(key: ActionKey) -> ColumnElement[bool]:
    """After `key` in the order of the list: dated items by date, the undated last, each
    then by when they were given and their id."""
    due_on, created_at, item_id = key
    later = (ActionItem.created_at > created_at) | (
        (ActionItem.created_at == created_at) & (ActionItem.id > item_id)
    )
    if due_on is None:
        return ActionItem.due_on.is_(None) & later
    return (
        ActionItem.due_on.is_(None)
        | (ActionItem.due_on > due_on)
        | ((ActionItem.due_on == due_on) & later)
    )


class ActionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # Links to minutes, notes, recordings and slides.

    def add_link(self, link: OccurrenceLink) -> None:
        self.session.add(link)
        self.session.flush()

    def links_added_between(self, start: datetime, end: datetime) -> list[OccurrenceLink]:
        """Links added in [start, end), oldest first (the digest's "since the last one")."""
        return list(
            self.session.scalars(
                select(OccurrenceLink)
                .where(OccurrenceLink.created_at >= start, OccurrenceLink.created_at < end)
                .order_by(OccurrenceLink.created_at, OccurrenceLink.id)
            )
        )

    def with_minutes(self, occurrences: Collection[Occurrence]) -> set[Occurrence]:
        """Which of these occurrences have a link of kind "minutes"."""
        if not occurrences:
            return set()
        meeting_ids = {meeting_id for meeting_id, _ in occurrences}
        rows = self.session.execute(
            select(OccurrenceLink.meeting_id, OccurrenceLink.occurrence_local).where(
                OccurrenceLink.meeting_id.in_(meeting_ids), OccurrenceLink.kind == "minutes"
            )
        )
        wanted = set(occurrences)
        return {(m, local) for m, local in rows if (m, local) in wanted}

    def agenda_message(self, meeting_id: int, occurrence_local: datetime) -> tuple[str, str] | None:
        """The channel and ts of the occurrence's published agenda, if it was posted."""
        row = self.session.execute(
            select(Agenda.channel, Agenda.ts).where(
                Agenda.meeting_id == meeting_id, Agenda.occurrence_local == occurrence_local
            )
        ).first()
        if row is None or not row.channel or not row.ts:
            return None
        return row.channel, row.ts

    # Action items.

    def add(self, item: ActionItem) -> None:
        self.session.add(item)
        self.session.flush()

    def get(self, item_id: int) -> ActionItem | None:
        return self.session.get(ActionItem, item_id)

    def open_items(
        self,
        *,
        countries: Collection[str] | None = None,
        member_id: str | None = None,
        limit: int | None = None,
        after: ActionKey | None = None,
    ) -> list[ActionItem]:
        """Open items, soonest due first (undated last), then oldest; of `countries` or of
        `member_id` when given (either matches when both are); from just after `after` (where
        a page ended) when given."""
        query = _open(select(ActionItem), countries, member_id, after)
        query = query.order_by(
            ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.created_at, ActionItem.id
        )
        if limit is not None:
            query = query.limit(limit)
        return list(self.session.scalars(query))

    def count_open_items(
        self,
        *,
        countries: Collection[str] | None = None,
        member_id: str | None = None,
        after: ActionKey | None = None,
    ) -> int:
        """How many items `open_items` lists with the same filters, counted in the database."""
        query = _open(select(func.count()).select_from(ActionItem), countries, member_id, after)
        return self.session.scalar(query) or 0

    def count_open(self, countries: Collection[str]) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(ActionItem)
                .where(ActionItem.status == "open", ActionItem.country_code.in_(countries))
            )
            or 0
        )

    def close(self, item: ActionItem, by: str, note: str | None, at: datetime) -> None:
        item.status = "done"
        item.done_by = by
        item.done_note = note
        item.done_at = at
        self.session.flush()
