"""Who attended an occurrence: members and guests; and, for the occurrence's record, what
the other features keep about it (its agenda, links and action items), read only here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.meeting_records import ActionItem, Agenda, Attendance, OccurrenceLink
from storage.models import Delivery


class AttendanceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: Attendance) -> bool:
        """Record someone at an occurrence unless they already are (by `person_key`);
        True when this added them. Two presses at once: the unique constraint keeps one."""
        if self.find(row.meeting_id, row.occurrence_local, row.person_key) is not None:
            return False
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return False
        return True

    def find(
        self, meeting_id: int, occurrence_local: datetime, person_key: str
    ) -> Attendance | None:
        return self.session.scalars(
            select(Attendance).where(
                Attendance.meeting_id == meeting_id,
                Attendance.occurrence_local == occurrence_local,
                Attendance.person_key == person_key,
            )
        ).first()

    def of_occurrence(self, meeting_id: int, occurrence_local: datetime) -> Sequence[Attendance]:
        """Everyone recorded at one occurrence, in the order they were recorded."""
        return self.session.scalars(
            select(Attendance)
            .where(
                Attendance.meeting_id == meeting_id,
                Attendance.occurrence_local == occurrence_local,
            )
            .order_by(Attendance.id)
        ).all()

    def between(self, first: datetime, last: datetime) -> Sequence[Attendance]:
        """Everyone recorded at any occurrence whose original wall-clock start is within
        [first, last] (a margin the caller narrows by the occurrences it keeps)."""
        return self.session.scalars(
            select(Attendance)
            .where(Attendance.occurrence_local >= first, Attendance.occurrence_local <= last)
            .order_by(Attendance.meeting_id, Attendance.occurrence_local, Attendance.id)
        ).all()

    def delivered(self, keys: Iterable[str]) -> set[str]:
        """Which of these delivery keys the outbox already knows (claimed, sent, skipped)."""
        wanted = list(keys)
        if not wanted:
            return set()
        return set(self.session.scalars(select(Delivery.key).where(Delivery.key.in_(wanted))))

    def agenda_text(self, meeting_id: int, occurrence_local: datetime) -> str:
        text = self.session.scalars(
            select(Agenda.text).where(
                Agenda.meeting_id == meeting_id, Agenda.occurrence_local == occurrence_local
            )
        ).first()
        return text or ""

    def links(self, meeting_id: int, occurrence_local: datetime) -> Sequence[OccurrenceLink]:
        return self.session.scalars(
            select(OccurrenceLink)
            .where(
                OccurrenceLink.meeting_id == meeting_id,
                OccurrenceLink.occurrence_local == occurrence_local,
            )
            .order_by(OccurrenceLink.id)
        ).all()

    def actions(self, meeting_id: int, occurrence_local: datetime) -> Sequence[ActionItem]:
        return self.session.scalars(
            select(ActionItem)
            .where(
                ActionItem.meeting_id == meeting_id,
                ActionItem.occurrence_local == occurrence_local,
            )
            .order_by(ActionItem.id)
        ).all()
