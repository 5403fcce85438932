"""The *I'm here* button: posted to a meeting's channel when an occurrence starts, once per
occurrence (delivery key `attendance:<meeting>:<occurrence>`), and redrawn in place with the
count by country after each press.

A sweep that runs more than `JobSettings.grace` after a start posts nothing for it (a button
that comes long after the start would look like a new meeting); all-day meetings get none.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from scheduling.attendance.service import Counts, counts_of
from scheduling.delivery.deliverer import DeliveryKind, Pending, ScheduledWork, SweepReport
from scheduling.meetings.mapping import meeting_channel, to_series
from scheduling.meetings.occurrences import Occurrence, occurrences, scheduled_occurrence
from scheduling.ports import DeliveryError, Outgoing, Posted

logger = logging.getLogger("consortium_bot.jobs")

PREFIX = "attendance"
# The shortest window that holds one instant: `occurrences` ends its windows before their end.
INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True)
class AttendanceNotice:
    """The button's message: the occurrence, who is there so far, where and its key."""

    occurrence: Occurrence
    counts: Counts
    channel: str
    key: str


@runtime_checkable
class AttendanceNotifier(Protocol):
    def attendance(self, notice: AttendanceNotice) -> Outgoing:
        """The *I'm here* message in the meeting's channel."""
        ...

    def update_attendance(self, posted: Posted, notice: AttendanceNotice) -> None:
        """Redraw it with new counts; may raise DeliveryError."""
        ...


def button_key(meeting_id: int, occurrence_local: datetime) -> str:
    return f"{PREFIX}:{meeting_id}:{occurrence_local.isoformat()}"


class AttendanceButtons(ScheduledWork):
    @property
    def _poster(self) -> AttendanceNotifier | None:
        # Notifiers that post no buttons (the benchmarks', some tests') are left alone.
        notifier = self.notifier
        return notifier if isinstance(notifier, AttendanceNotifier) else None

    def sweep(self, now: datetime, report: SweepReport) -> None:
        """Post the button for every occurrence that started within `grace` before `now`."""
        poster = self._poster
        if poster is None:
            return
        due: list[tuple[Occurrence, str, str]] = []
        first, end = now - self.settings.grace, now + INSTANT
        with self.database.read() as work:
            channels = {c.purpose: c.slack_channel_id for c in work.directory.channels()}
            # Only the series that may have started within the grace (the next-start index).
            for meeting in work.meetings.may_start_between(first, end, timed_only=True):
                series = to_series(meeting)
                channel = meeting_channel(series.channel_purpose, channels)
                if series.all_day or channel is None:
                    continue
                for occurrence in occurrences(series, first, end):
                    if occurrence.start <= now < occurrence.end:
                        key = button_key(series.id, occurrence.original_local)
                        due.append((occurrence, channel, key))
            known = work.attendance.delivered(key for _, _, key in due)
        for occurrence, channel, key in due:
            if key not in known:
                self._post(poster, occurrence, channel, key, report)

    def next_due(self, after: datetime, horizon: timedelta) -> datetime | None:
        """The first meeting start after `after`, within `horizon`: its button's moment."""
        end = after + horizon
        with self.database.read() as work:
            # A series whose next start was worked out by `after` starts first after it then,
            # and every stored next start is a start of its series: one indexed minimum for
            # those; the others (next start passed, or worked out since) are expanded.
            first = work.meetings.first_next_start_between(after, end, timed_only=True)
            others = work.meetings.may_start_between(after, after + INSTANT, timed_only=True)
        found = [first] if first is not None else []
        for meeting in others:
            series = to_series(meeting)
            if series.all_day:
                continue
            for occurrence in occurrences(series, after, end):
                if occurrence.start > after:
                    found.append(occurrence.start)
                    break
        return min(found, default=None)

    def _post(
        self,
        poster: AttendanceNotifier,
        occurrence: Occurrence,
        channel: str,
        key: str,
        report: SweepReport,
    ) -> None:
        counts = self._counts(occurrence)
        notice = AttendanceNotice(occurrence, counts, channel, key)
        payload = {
            "meeting": occurrence.series.id,
            "occurrence": occurrence.original_local.isoformat(),
        }
        self.deliverer.deliver(
            key,
            DeliveryKind.ATTENDANCE,
            channel,
            occurrence.start,
            payload,
            lambda: poster.attendance(notice),
            report,
        )

    def _counts(self, occurrence: Occurrence) -> Counts:
        with self.database.read() as work:
            rows = work.attendance.of_occurrence(occurrence.series.id, occurrence.original_local)
            return counts_of(rows)

    def retry(self, pending: Pending, now: datetime, report: SweepReport) -> None:
        """A button that failed: posted again while its occurrence is still on."""
        occurrence = self._occurrence(pending.payload)
        poster = self._poster
        if occurrence is None or poster is None or now >= occurrence.end:
            self.deliverer.give_up(pending.key, "meeting over or cancelled", report)
            return
        self._post(poster, occurrence, pending.channel, pending.key, report)

    def _occurrence(self, payload: dict[str, object]) -> Occurrence | None:
        try:
            meeting_id = int(str(payload["meeting"]))
            original = datetime.fromisoformat(str(payload["occurrence"]))
        except (KeyError, ValueError):
            return None
        with self.database.read() as work:
            meeting = work.meetings.get(meeting_id)
            if meeting is None or meeting.cancelled_at is not None:
                return None
            return scheduled_occurrence(to_series(meeting), original)

    def redraw(self, meeting_id: int, occurrence_local: datetime) -> float | None:
        """Redraw the posted button with the counts as they are now; the seconds to wait
        when Slack asked to slow down, else None."""
        poster = self._poster
        key = button_key(meeting_id, occurrence_local)
        with self.database.read() as work:
            sent = [d for d in work.deliveries.sent_with_prefix(key) if d.key == key]
        occurrence = self._occurrence(
            {"meeting": meeting_id, "occurrence": occurrence_local.isoformat()}
        )
        if poster is None or occurrence is None:
            return None
        counts = self._counts(occurrence)
        for copy in sent:
            if not copy.slack_ts:
                continue
            notice = AttendanceNotice(occurrence, counts, copy.channel, key)
            try:
                poster.update_attendance(Posted(copy.slack_channel, copy.slack_ts), notice)
            except DeliveryError as error:
                if error.retry_after is not None:
                    return error.retry_after
                logger.warning("could not redraw %s: %s", key, error.code)
        return None
