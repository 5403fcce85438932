"""RSVPs: one answer per member per occurrence."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Rsvp

Occurrence = tuple[int, datetime]  # meeting id, original local start


class RsvpRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def answer(self, meeting_id: int, occurrence_local: datetime, member_id: str) -> Rsvp | None:
        return self.session.scalars(
            select(Rsvp).where(
                Rsvp.meeting_id == meeting_id,
                Rsvp.occurrence_local == occurrence_local,
                Rsvp.member_id == member_id,
            )
        ).first()

    def answers(self, occurrences: Collection[Occurrence]) -> dict[Occurrence, dict[str, str]]:
        """Each occurrence's answers by member, read in one query."""
        found: dict[Occurrence, dict[str, str]] = {o: {} for o in occurrences}
        if not occurrences:
            return found
        meeting_ids = {meeting_id for meeting_id, _ in occurrences}
        rows = self.session.scalars(select(Rsvp).where(Rsvp.meeting_id.in_(meeting_ids)))
        for row in rows:
            answers = found.get((row.meeting_id, row.occurrence_local))
            if answers is not None:
                answers[row.member_id] = row.answer
        return found

    def put(
        self, meeting_id: int, occurrence_local: datetime, member_id: str, answer: str, at: datetime
    ) -> None:
        """Store a member's answer, replacing an earlier one, in one statement: two answers
        given at once (a double click, two instances) leave the later one, not an error."""
        dialect = self.session.get_bind().dialect.name
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = make(Rsvp).values(
            meeting_id=meeting_id,
            occurrence_local=occurrence_local,
            member_id=member_id,
            answer=answer,
            answered_at=at,
        )
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[Rsvp.meeting_id, Rsvp.occurrence_local, Rsvp.member_id],
                set_={
                    "answer": statement.excluded.answer,
                    "answered_at": statement.excluded.answered_at,
                },
            )
        )
