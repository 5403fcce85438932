"""The weekly digest: what happened since the last digest and what is coming, read in one
transaction with a bounded number of queries, and posted once a week to the digest channel.
Rendering (and Slack's limits) is the business of bot/."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.consortium.directory import CountryRef
from scheduling.delivery.deliverer import DeliveryKind, Pending, ScheduledWork, SweepReport
from scheduling.delivery.notices import Digest, ScheduleChange
from scheduling.language.dates import short_date
from scheduling.meetings.mapping import series_of
from scheduling.meetings.occurrences import CANCELLED, MOVED, occurrences
from scheduling.meetings.rsvp import summarise
from scheduling.updates.views import RoundView, UpdateLine, round_status
from scheduling.vocabulary import DigestSchedule
from storage.repositories import UnitOfWork
from storage.repositories.meetings import MeetingRows

UPCOMING_DAYS = 14


@dataclass(frozen=True)
class DigestSetting:
    """Where and when the digest goes: the channel's Slack ID (None: none set up), the
    consortium's zone and the weekly schedule."""

    channel: str | None
    zone: str
    every: DigestSchedule


def iso_week(instant: datetime, zone: str) -> str:
    year, week, _ = instant.astimezone(ZoneInfo(zone)).isocalendar()
    return f"{year}-W{week:02d}"


def setting_of(work: UnitOfWork) -> DigestSetting:
    consortium = work.directory.consortium()
    if consortium is None:
        return DigestSetting(None, "UTC", DigestSchedule.DEFAULT)
    channel = work.directory.channel(consortium.digest_channel or "announcements")
    every = (
        DigestSchedule.parse(consortium.digest_every)
        if consortium.digest_every
        else DigestSchedule.DEFAULT
    )
    return DigestSetting(channel.slack_channel_id if channel else None, consortium.timezone, every)


class DigestJob(ScheduledWork):
    def setting(self) -> DigestSetting:
        with self.database.read() as work:
            return setting_of(work)

    def next_digest(self) -> datetime:
        setting = self.setting()
        return setting.every.next_after(self.clock.now(), setting.zone)

    def preview(self) -> Digest:
        """The digest as it would be posted now (nothing recorded)."""
        return self.build(self.clock.now())

    def build(self, until: datetime, since: datetime | None = None) -> Digest:
        """The digest of what happened from `since` (by default the last digest sent, or a
        week before) up to `until`, in one read transaction."""
        with self.database.read() as work:
            setting = setting_of(work)
            if since is None:
                last = work.deliveries.last_sent(DeliveryKind.DIGEST, setting.channel or "-")
                since = last.due_at if last is not None else until - timedelta(days=7)
            return self._build(work, setting, since, until)

    def _build(
        self, work: UnitOfWork, setting: DigestSetting, since: datetime, until: datetime
    ) -> Digest:
        consortium = work.directory.consortium()
        name = consortium.name if consortium else "Consortium"
        countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
        grouped: dict[str, list[UpdateLine]] = {}
        for row in work.updates.lines_between(since, until):
            text = row.text.strip()
            line = UpdateLine(
                row.id,
                countries[row.country_code],
                text.splitlines()[0] if text else "",
                row.posted_channel,
                row.posted_ts,
            )
            grouped.setdefault(row.country_code, []).append(line)
        updates = tuple(
            (views[0].country, tuple(views))
            for views in sorted(grouped.values(), key=lambda v: v[0].country.name)
        )
        horizon = until + timedelta(days=UPCOMING_DAYS)
        stored = work.meetings.as_rows()
        # Wall-clock bounds of the window in any zone (offsets stay within a day).
        first_local = until.replace(tzinfo=None) - timedelta(days=2)
        last_local = horizon.replace(tzinfo=None) + timedelta(days=2)
        live = [
            series_of(m, stored.exceptions.get(m.id, []))
            for m in stored.meetings
            if m.cancelled_at is None
            and (
                m.rrule is not None
                or first_local <= m.starts_local <= last_local
                or m.id in stored.exceptions  # a moved occurrence may fall in the window
            )
        ]
        upcoming_occurrences = sorted(
            (o for series in live for o in occurrences(series, until, horizon)),
            key=lambda o: (o.start, o.series.id),
        )
        answers = work.rsvps.answers(
            {(o.series.id, o.original_local) for o in upcoming_occurrences}
        )
        open_rounds = work.rounds.open_rounds()
        submissions = work.updates.submissions([r.id for r in open_rounds])
        profiles = self.directory.snapshot().profiles
        upcoming = tuple(
            (o, summarise(answers[(o.series.id, o.original_local)], profiles))
            for o in upcoming_occurrences
        )
        today = self.clock.now().astimezone(ZoneInfo(setting.zone)).date()
        rounds = []
        for round_ in open_rounds:
            status = round_status(RoundView.of(round_), submissions, countries, setting.zone, today)
            rounds.append((status.round, tuple(row.country.name for row in status.missing)))
        changes = _changes(stored, since, until)
        return Digest(name, setting.zone, since, until, updates, upcoming, tuple(rounds), changes)

    def run(self, *, manual: bool = False) -> tuple[SweepReport, str | None]:
        """Post this week's digest if it is due (or now, when `manual`), once per key; with
        what to record of the run (None when nothing was due yet or it was too late)."""
        now = self.clock.now()
        report = SweepReport()
        setting = self.setting()
        channel = setting.channel
        if channel is None:
            report.errors.append("no digest channel")
            return report, "no digest channel"
        if manual:
            due_at, key = now, f"digest:{channel}:manual:{now:%Y%m%dT%H%MZ}"
        else:
            due_at = setting.every.this_week(now, setting.zone)
            key = f"digest:{channel}:{iso_week(due_at, setting.zone)}"
            if now < due_at:
                return report, None
            if now - due_at > self.settings.digest_grace:
                self.deliverer.skip(key, DeliveryKind.DIGEST, channel, due_at, "too late", report)
                return report, None
        digest = self.build(due_at)
        payload: dict[str, object] = {
            "since": digest.since.isoformat(),
            "until": due_at.isoformat(),
        }
        self._deliver(key, channel, due_at, digest, payload, report)
        return report, report.summary()

    def retry(self, pending: Pending, report: SweepReport) -> None:
        """Try a failed or abandoned digest again (the rest of its parts, or all of them),
        made from the same week as the first try, unless it is too late."""
        if self.clock.now() - pending.due_at > self.settings.digest_grace:
            self.deliverer.give_up(pending.key, "too late to send", report)
            return
        since = pending.payload.get("since")
        digest = self.build(pending.due_at, datetime.fromisoformat(str(since)) if since else None)
        self._deliver(pending.key, pending.channel, pending.due_at, digest, {}, report)

    def _deliver(
        self,
        key: str,
        channel: str,
        due_at: datetime,
        digest: Digest,
        payload: dict[str, object],
        report: SweepReport,
    ) -> None:
        self.deliverer.deliver(
            key,
            DeliveryKind.DIGEST,
            channel,
            due_at,
            payload,
            lambda: self.notifier.digest(channel, digest, key),
            report,
        )


def _changes(stored: MeetingRows, since: datetime, until: datetime) -> tuple[ScheduleChange, ...]:
    """Series created or cancelled, and occurrences cancelled or moved, in (since, until]."""
    changes = []
    until_local = until.replace(tzinfo=None)
    for meeting in stored.meetings:
        title, number = meeting.title, meeting.id
        still_ahead = meeting.rrule is not None or meeting.starts_local >= until_local
        if since < meeting.created_at <= until and still_ahead:
            day = _local_day(meeting.starts_local.date())
            changes.append(ScheduleChange("new", title, number, day))
        if meeting.cancelled_at is not None and since < meeting.cancelled_at <= until:
            changes.append(ScheduleChange("cancelled", title, number, "the whole series"))
        for exception in stored.exceptions.get(number, []):
            if not since < exception.created_at <= until:
                continue
            day = _local_day(exception.original_start_local.date())
            if exception.status == CANCELLED:
                changes.append(ScheduleChange("cancelled", title, number, f"the meeting of {day}"))
            elif exception.status == MOVED and exception.new_start_local is not None:
                new = exception.new_start_local
                detail = f"{day} → {_local_day(new.date())} {new:%H:%M}"
                changes.append(ScheduleChange("moved", title, number, detail))
    return tuple(changes)


@functools.lru_cache(maxsize=1024)
def _local_day(day: date) -> str:
    return short_date(day)
