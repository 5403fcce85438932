"""Meeting series with their cancelled and moved occurrences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from storage.models import Meeting


class MeetingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, meeting_id: int) -> Meeting | None:
        return self.session.scalars(
            select(Meeting)
            .where(Meeting.id == meeting_id)
            .options(selectinload(Meeting.exceptions))
        ).first()

    def by_import_key(self, key: str) -> Meeting | None:
        return self.session.scalars(
            select(Meeting)
            .where(Meeting.import_key == key)
            .options(selectinload(Meeting.exceptions))
        ).first()

    def all(self, *, include_cancelled: bool = False) -> Sequence[Meeting]:
        query = select(Meeting).options(selectinload(Meeting.exceptions)).order_by(Meeting.id)
        if not include_cancelled:
            query = query.where(Meeting.cancelled_at.is_(None))
        return self.session.scalars(query).all()

    def due_for_reminders(self, now: datetime) -> Sequence[Meeting]:
        """Live series whose next reminder is due by `now` (the indexed `next_reminder_at`)."""
        return self.session.scalars(
            select(Meeting)
            .where(Meeting.next_reminder_at <= now, Meeting.cancelled_at.is_(None))
            .options(selectinload(Meeting.exceptions))
            .order_by(Meeting.id)
        ).all()

    def first_reminder_at(self) -> datetime | None:
        """The earliest next reminder of any live series."""
        return self.session.scalar(
            select(func.min(Meeting.next_reminder_at)).where(Meeting.cancelled_at.is_(None))
        )

    def set_next_reminders(self, next_at: Mapping[int, tuple[datetime | None, int]]) -> None:
        """Move each series' sweep index on, unless the series changed (its SEQUENCE moved
        on) since the value was computed: a change sets the index itself."""
        for meeting_id, (instant, sequence) in next_at.items():
            self.session.execute(
                update(Meeting)
                .where(Meeting.id == meeting_id, Meeting.sequence == sequence)
                .values(next_reminder_at=instant)
            )

    def add(self, meeting: Meeting) -> None:
        self.session.add(meeting)
        self.session.flush()
