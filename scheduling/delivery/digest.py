"""The weekly digest: what happened since the last digest and what is coming, read in one
transaction with a bounded number of queries, posted once a week to the digest channel and
sent by DM to each member who asked for it. What the consortium file's first import set up is
the schedule's baseline, never news. Rendering (and Slack's limits) is the business of bot/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.actions.minutes import links_between
from scheduling.consortium.directory import CountryRef, MemberProfile
from scheduling.delivery.deliverer import DeliveryKind, Pending, ScheduledWork, SweepReport
from scheduling.delivery.notices import (
    ChangeKind,
    Digest,
    OpenRound,
    ScheduleChange,
    UpcomingMeeting,
)
from scheduling.meetings.mapping import series_of
from scheduling.meetings.occurrences import CANCELLED, MOVED, next_of, occurrences
from scheduling.meetings.rsvp import TotalsCounter
from scheduling.updates.views import RoundView, UpdateLine, round_status
from scheduling.vocabulary import DigestSchedule
from scheduling.workdays.quiet import DIGEST_WAIT, hold_until
from storage.repositories import UnitOfWork
from storage.repositories.meetings import MeetingRows

UPCOMING_DAYS = 14
READER = "reader"  # the payload key naming the member a digest by DM is for


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
        # What the consortium file set up is where the schedule starts, never news.
        set_up_at = consortium.set_up_at if consortium is not None else None
        news_since = max(since, set_up_at) if set_up_at is not None else since
        # Only the series that may start in the next 14 days, or whose news this is: read
        # through the next-start and change indexes, not every series stored.
        stored = work.meetings.rows_for_digest(until, horizon, news_since, until)
        live = [
            series_of(m, stored.exceptions.get(m.id, []))
            for m in stored.meetings
            if m.cancelled_at is None
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
        listed = work.directory.countries_with_members()
        snapshot = self.directory.snapshot()
        totals = TotalsCounter(snapshot.profiles, snapshot.invited_ids)
        upcoming = tuple(
            UpcomingMeeting(o, totals(o, answers[(o.series.id, o.original_local)]))
            for o in upcoming_occurrences
        )
        today = until.astimezone(ZoneInfo(setting.zone)).date()
        rounds = []
        for round_ in open_rounds:
            status = round_status(
                RoundView.of(round_), submissions, countries, setting.zone, today, listed
            )
            rounds.append(
                OpenRound(
                    status.round,
                    tuple(row.country for row in status.missing),
                    tuple(row.country for row in status.unlisted),
                )
            )
        changes = _changes(stored, news_since, until)
        return Digest(
            name,
            setting.zone,
            since,
            until,
            updates,
            upcoming,
            tuple(rounds),
            changes,
            minutes=tuple(links_between(work, since, until)),
        )

    def run(self, *, manual: bool = False) -> tuple[SweepReport, str | None]:
        """Post this week's digest if it is due (or now, when `manual`), once per key, and
        send it by DM to each member who asked for that (not for a manual one); with what to
        record of the run (None when nothing was due yet or it was too late)."""
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
            week = iso_week(due_at, setting.zone)
            key = f"digest:{channel}:{week}"
            if now < due_at:
                return report, None
            if now - due_at > self.settings.digest_grace:
                self.deliverer.skip(key, DeliveryKind.DIGEST, channel, due_at, "too late", report)
                for reader in self._readers():
                    dm_key = dm_digest_key(reader.slack_id, week)
                    self.deliverer.skip(
                        dm_key, DeliveryKind.DIGEST, reader.slack_id, due_at, "too late", report
                    )
                return report, None
        digest = self.build(due_at)
        payload: dict[str, object] = {
            "since": digest.since.isoformat(),
            "until": due_at.isoformat(),
        }
        self._deliver(key, channel, due_at, digest, payload, report)
        if not manual:
            readers = self._readers()
            with self.database.write() as work:
                # Quiet hours: a reader outside their working hours gets it at their next
                # allowed moment (queued here; `retry` sends it then).
                waits = hold_until(work, readers, now)
                for reader in readers:
                    if reader.slack_id in waits and work.deliveries.enqueue(
                        dm_digest_key(reader.slack_id, week),
                        kind=DeliveryKind.DIGEST,
                        channel=reader.slack_id,
                        now=due_at,
                        payload={**payload, READER: reader.slack_id},
                        not_before=waits[reader.slack_id],
                    ):
                        report.deferred += 1
            for reader in readers:
                if reader.slack_id in waits:
                    continue
                self._deliver(
                    dm_digest_key(reader.slack_id, week),
                    reader.slack_id,
                    due_at,
                    digest.for_reader(reader),
                    {**payload, READER: reader.slack_id},
                    report,
                )
        return report, report.summary()

    def _readers(self) -> list[MemberProfile]:
        """The members who take the digest by DM, in a stable order."""
        profiles = self.directory.snapshot().profiles.values()
        return sorted((p for p in profiles if p.digest_by_dm), key=lambda p: p.slack_id)

    def retry(self, pending: Pending, report: SweepReport) -> None:
        """Try a failed or abandoned digest again (the rest of its parts, or all of them),
        made from the same week as the first try, unless it is too late or its reader no
        longer takes it by DM."""
        reader = pending.payload.get(READER)
        # A digest by DM may wait for its reader's working hours, up to a week: past that the
        # next week's digest supersedes it. The channel's goes within its grace or not at all.
        until = pending.payload.get("until")
        due_at = datetime.fromisoformat(str(until)) if until else pending.due_at
        waited = self.clock.now() - due_at
        if waited > (DIGEST_WAIT if reader else self.settings.digest_grace):
            self.deliverer.give_up(pending.key, "too late to send", report)
            return
        profile = self.directory.profile(str(reader)) if reader else None
        if reader and (profile is None or not profile.digest_by_dm):
            self.deliverer.give_up(pending.key, "no longer takes the digest by DM", report)
            return
        if reader and self.held(pending.key, str(reader), report):
            return
        since = pending.payload.get("since")
        digest = self.build(due_at, datetime.fromisoformat(str(since)) if since else None)
        if profile is not None:
            digest = digest.for_reader(profile)
        self._deliver(pending.key, pending.channel, due_at, digest, {}, report)

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


def dm_digest_key(slack_id: str, week: str) -> str:
    """The delivery key of one member's digest by DM in one week."""
    return f"digest:dm:{slack_id}:{week}"


def _changes(stored: MeetingRows, since: datetime, until: datetime) -> tuple[ScheduleChange, ...]:
    """Series created or cancelled, and occurrences cancelled or moved, in (since, until],
    each only while what it is about is still ahead of `until`."""
    changes: list[ScheduleChange] = []
    for meeting in stored.meetings:
        exceptions = stored.exceptions.get(meeting.id, [])
        created = since < meeting.created_at <= until
        cancelled = meeting.cancelled_at is not None and since < meeting.cancelled_at <= until
        touched = [e for e in exceptions if since < e.created_at <= until]
        if not (created or cancelled or touched):
            continue
        series = series_of(meeting, exceptions)
        now_local = until.astimezone(series.zone).replace(tzinfo=None)
        title, number = meeting.title, meeting.id
        if cancelled:
            # A series made and cancelled since the last digest was never news.
            if not created and series.first_local_start_after(now_local) is not None:
                changes.append(ScheduleChange(ChangeKind.CANCELLED, title, number))
            continue
        if created:
            upcoming = next_of(series, until)
            if upcoming is not None:
                rule = series.rule_in_words if series.rrule is not None else None
                changes.append(
                    ScheduleChange(ChangeKind.NEW, title, number, upcoming.local_date, rule)
                )
            continue  # its cancelled and moved occurrences are part of what is new
        if meeting.cancelled_at is not None:
            continue
        for exception in touched:
            original = exception.original_start_local
            if exception.status == CANCELLED and original >= now_local:
                changes.append(ScheduleChange(ChangeKind.CANCELLED, title, number, original.date()))
            elif (
                exception.status == MOVED
                and exception.new_start_local is not None
                and exception.new_start_local >= now_local
            ):
                changes.append(
                    ScheduleChange(
                        ChangeKind.MOVED,
                        title,
                        number,
                        original.date(),
                        moved_to=exception.new_start_local,
                    )
                )
    return tuple(changes)
