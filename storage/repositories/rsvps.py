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
        """Each occurrence's answers by member, read in one query through the unique index:
        those of these series between the first and last of these occurrences, not every
        answer their series ever had."""
        found: dict[Occurrence, dict[str, str]] = {o: {} for o in occurrences}
        if not occurrences:
            return found
        meeting_ids = sorted({meeting_id for meeting_id, _ in occurrences})
        starts = [start for _, start in occurrences]
        rows = self.session.execute(
            select(Rsvp.meeting_id, Rsvp.occurrence_local, Rsvp.member_id, Rsvp.answer).where(
                Rsvp.meeting_id.in_(meeting_ids),
                Rsvp.occurrence_local >= min(starts),
                Rsvp.occurrence_local <= max(starts),
            )
        )
        for meeting_id, occurrence_local, member_id, answer in rows:
            answers = found.get((meeting_id, occurrence_local))
            if answers is not None:
                answers[member_id] = answer
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
