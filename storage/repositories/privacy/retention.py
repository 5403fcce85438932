"""Deleting records past their retention period, one bounded batch per statement.

Each call deletes at most `limit` rows (`DELETE … WHERE id IN (SELECT id … LIMIT n)`) and
says how many it deleted, so the caller commits batch by batch and no transaction of a first
run on a big database holds its locks for long.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.meeting_records import Attendance
from storage.models import (
    CountryUpdate,
    Delivery,
    Erasure,
    Round,
    Rsvp,
    SlackEvent,
    UpdateRevision,
)
from storage.repositories.deliveries import DeliveryStatus

# The deliverer parks a failure it gave up on ten years ahead; a failure whose next try is
# more than this far off is one it gave up on, not one waiting for a retry.
GIVEN_UP_BEYOND = timedelta(days=365)


class RetentionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _delete(
        self, key: InstrumentedAttribute[Any], condition: ColumnElement[bool], limit: int
    ) -> int:
        """Delete up to `limit` rows meeting `condition`, whichever the plan finds first: an
        ORDER BY would make each batch sort every candidate (SQLite reads deliveries through
        their status index, then sorts), where without it a batch stops at its `limit`."""
        chosen: Select[Any] = select(key).where(condition).limit(limit)
        return self._delete_keys(key, chosen)

    def _delete_keys(self, key: InstrumentedAttribute[Any], chosen: Any) -> int:
        result = self.session.execute(
            delete(key.class_).where(key.in_(chosen.scalar_subquery())),
            execution_options={"synchronize_session": False},
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def delete_deliveries(self, before: datetime, now: datetime, limit: int) -> int:
        """Deliveries queued before `before` that are over: sent, skipped, or failed and
        given up on. One still queued, being sent or waiting for a retry is never touched."""
        over = or_(
            Delivery.status.in_((DeliveryStatus.SENT, DeliveryStatus.SKIPPED)),
            and_(
                Delivery.status == DeliveryStatus.FAILED,
                Delivery.next_attempt_at > now + GIVEN_UP_BEYOND,
            ),
        )
        return self._delete(Delivery.id, and_(Delivery.created_at < before, over), limit)

    def delete_revisions(self, before: datetime, limit: int) -> int:
        """Revisions of updates (earlier wordings, their editors) made before `before`."""
        return self._delete(UpdateRevision.id, UpdateRevision.edited_at < before, limit)

    def delete_updates(self, before: datetime, limit: int) -> tuple[int, int]:
        """Updates written and last edited before `before`, with their revisions (deleted
        here, not left to the foreign key, so they are counted): (updates, revisions)."""
        # Never an answer to a round still open: its status, nudges and requests read them.
        open_rounds = select(Round.id).where(Round.closed_at.is_(None))
        old = and_(
            CountryUpdate.created_at < before,
            CountryUpdate.updated_at < before,
            or_(CountryUpdate.round_id.is_(None), CountryUpdate.round_id.not_in(open_rounds)),
        )
        ids = list(self.session.scalars(select(CountryUpdate.id).where(old).limit(limit)))
        if not ids:
            return 0, 0
        revisions = self.session.execute(
            delete(UpdateRevision).where(UpdateRevision.update_id.in_(ids)),
            execution_options={"synchronize_session": False},
        )
        updates = self.session.execute(
            delete(CountryUpdate).where(CountryUpdate.id.in_(ids)),
            execution_options={"synchronize_session": False},
        )
        return int(updates.rowcount), int(revisions.rowcount)  # type: ignore[attr-defined]

    def delete_rsvps(self, meeting_id: int, before_local: datetime, limit: int) -> int:
        """Answers for occurrences of one meeting that started (wall clock, in the meeting's
        zone) before `before_local`; read through the (meeting, occurrence, member) key."""
        old = and_(Rsvp.meeting_id == meeting_id, Rsvp.occurrence_local < before_local)
        return self._delete(Rsvp.id, old, limit)

    def delete_attendance(self, meeting_id: int, before_local: datetime, limit: int) -> int:
        """Attendance at occurrences of one meeting that started before `before_local`."""
        old = and_(Attendance.meeting_id == meeting_id, Attendance.occurrence_local < before_local)
        return self._delete(Attendance.id, old, limit)

    def delete_slack_events(self, before: datetime, limit: int) -> int:
        """IDs of Slack events received before `before` (by `ix_slack_events_received_at`)."""
        chosen = select(SlackEvent.event_id).where(SlackEvent.received_at < before).limit(limit)
        return self._delete_keys(SlackEvent.event_id, chosen)

    def delete_erasures(self, before: datetime, limit: int) -> int:
        """Records of erasures done before `before`."""
        return self._delete(Erasure.id, Erasure.erased_at < before, limit)
