"""A meeting change's announcement (its card and calendar file in the meeting's channel),
queued in the outbox by the change's own transaction: once a change is stored, its
announcement goes out, once, whatever crashes after the commit.

What it says is stored as facts (`AnnouncementFacts`), not text: bot/ words it when it posts.
It is made from the series as it is when it goes out; an announcement overtaken by a later
change of the same series (a higher SEQUENCE) is not posted, since the later one says more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from scheduling.delivery.deliverer import DeliveryKind, Pending, ScheduledWork, SweepReport
from scheduling.delivery.notices import Announced, AnnouncementFacts, InviteNotice
from scheduling.meetings.mapping import to_series
from scheduling.meetings.occurrences import next_of, occurrence_on
from storage.repositories import UnitOfWork


@dataclass(frozen=True)
class QueuedAnnouncement:
    """An announcement as its delivery's payload names it."""

    meeting_id: int
    sequence: int
    facts: AnnouncementFacts
    occurrence_local: datetime | None = None
    new_local: datetime | None = None
    cancelled: bool = False

    def payload(self) -> dict[str, Any]:
        facts = self.facts
        return {
            "meeting": self.meeting_id,
            "sequence": self.sequence,
            "what": str(facts.what),
            "field": facts.field,
            "moved_from": facts.moved_from.isoformat() if facts.moved_from else None,
            "requested_by": facts.requested_by,
            "occurrence": self.occurrence_local.isoformat() if self.occurrence_local else None,
            "new": self.new_local.isoformat() if self.new_local else None,
            "cancelled": self.cancelled,
        }

    @classmethod
    def of(cls, payload: dict[str, Any]) -> QueuedAnnouncement | None:
        """The announcement a payload names; None when it cannot be read."""
        try:
            facts = AnnouncementFacts(
                Announced(payload["what"]),
                payload.get("field"),
                _day(payload.get("moved_from")),
                payload.get("requested_by"),
            )
            return cls(
                int(payload["meeting"]),
                int(payload["sequence"]),
                facts,
                _instant(payload.get("occurrence")),
                _instant(payload.get("new")),
                bool(payload.get("cancelled")),
            )
        except (KeyError, TypeError, ValueError):
            return None


def queue_announcement(
    work: UnitOfWork, channel: str, announcement: QueuedAnnouncement, now: datetime
) -> str:
    """Queue the announcement for `channel` in this transaction; returns its delivery key
    (one per meeting, SEQUENCE, what happened and second, so each change has its own)."""
    key = (
        f"{DeliveryKind.INVITE}:{announcement.meeting_id}:{announcement.sequence}"
        f":{announcement.facts.what}:{now:%Y%m%dT%H%M%SZ}"
    )
    work.deliveries.enqueue(
        key, kind=DeliveryKind.INVITE, channel=channel, now=now, payload=announcement.payload()
    )
    return key


class AnnouncementDelivery(ScheduledWork):
    def send(self, pending: Pending, report: SweepReport) -> None:
        """Post a queued announcement, unless its meeting is gone or changed again since."""
        notice = self.notice(pending, report)
        if notice is not None:
            self.deliverer.deliver(
                pending.key,
                DeliveryKind.INVITE,
                pending.channel,
                pending.due_at,
                {},
                lambda: self.notifier.invite(notice),
                report,
            )

    def notice(self, pending: Pending, report: SweepReport) -> InviteNotice | None:
        """What a queued announcement (or invitation) says, made from the meeting as it is
        now; None, and given up, when its meeting is gone or changed again since."""
        queued = QueuedAnnouncement.of(pending.payload)
        with self.database.read() as work:
            meeting = work.meetings.get(queued.meeting_id) if queued is not None else None
            series = to_series(meeting) if meeting is not None else None
            consortium = work.directory.consortium()
        if queued is None or series is None:
            self.deliverer.give_up(pending.key, "the meeting is gone", report)
            return None
        if series.sequence > queued.sequence:
            self.deliverer.give_up(pending.key, "overtaken by a later change", report)
            return None
        shown = None
        if not queued.cancelled:
            moved = occurrence_on(series, queued.new_local.date()) if queued.new_local else None
            shown = moved or next_of(series, self.clock.now())
        return InviteNotice(
            series,
            shown,
            queued.facts,
            queued.occurrence_local,
            queued.cancelled,
            consortium.name if consortium else "Consortium",
            pending.channel,
            pending.key,
        )


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _instant(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None
