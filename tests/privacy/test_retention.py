"""Retention: the daily run that deletes what is past its period (in batches, once a day,
once across instances, never a queued delivery), and `/consortium status` saying what is
kept and what the last run did. (Reading `retention:` is test_retention_file.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.local.render import render_message
from scheduling.clock import FixedClock
from scheduling.consortium.file import parse_consortium_text
from scheduling.consortium.importer import import_consortium
from scheduling.privacy.retention import (
    RetainedKind,
)
from scheduling.privacy.retention_job import BATCH_ROWS, JOB, RetentionJob
from storage.db import Database
from storage.meeting_records import Attendance
from storage.models import (
    CountryUpdate,
    Delivery,
    Erasure,
    Meeting,
    Round,
    Rsvp,
    SlackEvent,
    UpdateRevision,
)
from storage.repositories.deliveries import DeliveryStatus
from tests.privacy.support import RETENTION_FILE
from tests.support import EXAMPLE_FILE, OpenWorkspace, run_at_once

# Wednesday 10:00 in Vienna: today's run (due from 03:00) has not been done.
NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


# --- the daily run -------------------------------------------------------------------------


def _consortium(database: Database, text: str = RETENTION_FILE) -> FixedClock:
    clock = FixedClock(NOW - 3 * 365 * DAY)
    import_consortium(database, parse_consortium_text(text), clock)
    clock.set(NOW)
    return clock


def _delivery(key: str, status: str, created: datetime, **more: object) -> Delivery:
    return Delivery(
        key=key,
        kind="reminder",
        channel="U0COORD1",
        due_at=created,
        status=status,
        attempts=1,
        payload={},
        created_at=created,
        **more,
    )


def _update(created: datetime, edited: datetime | None = None) -> CountryUpdate:
    update = CountryUpdate(
        country_code="AT",
        author_id="U0COORD1",
        achievements="Platform launched",
        created_at=created,
        updated_at=edited or created,
    )
    if edited is not None:
        update.revisions = [
            UpdateRevision(
                editor_id="U0COORD1", edited_at=edited, changes={"achievements": "Launch"}
            )
        ]
    return update


def _keys(database: Database) -> set[str]:
    with database.read() as work:
        return {d.key for d in work.session.query(Delivery)}


def test_finished_deliveries_past_their_period_go_and_a_queued_one_never(
    database: Database,
) -> None:
    clock = _consortium(database)
    old = NOW - 100 * DAY
    with database.write() as work:
        work.add(_delivery("sent-old", DeliveryStatus.SENT, old, sent_at=old))
        work.add(_delivery("skipped-old", DeliveryStatus.SKIPPED, old))
        work.add(_delivery("queued-old", DeliveryStatus.QUEUED, old, next_attempt_at=old))
        work.add(_delivery("sending-old", DeliveryStatus.CLAIMED, old, lease_until=old))
        work.add(_delivery("retrying-old", DeliveryStatus.FAILED, old, next_attempt_at=NOW))
        gave_up = old + 3650 * DAY  # where the deliverer parks a failure it gave up on
        work.add(_delivery("given-up-old", DeliveryStatus.FAILED, old, next_attempt_at=gave_up))
        recent = NOW - 80 * DAY
        work.add(_delivery("sent-recent", DeliveryStatus.SENT, recent, sent_at=recent))
    run = RetentionJob(database, clock).run_if_due()
    assert run is not None and run.removed[RetainedKind.DELIVERIES] == 3
    assert _keys(database) == {"queued-old", "sending-old", "retrying-old", "sent-recent"}


def test_revisions_past_two_years_go_while_their_update_stays_and_updates_are_kept(
    database: Database,
) -> None:
    clock = _consortium(database)
    with database.write() as work:
        work.add(_update(NOW - 1000 * DAY, edited=NOW - 800 * DAY))
        work.add(_update(NOW - 1000 * DAY, edited=NOW - 10 * DAY))
    run = RetentionJob(database, clock).run_if_due()
    assert run is not None
    assert run.removed[RetainedKind.REVISIONS] == 1
    assert RetainedKind.UPDATES not in run.removed  # `keep`: not even looked at
    with database.read() as work:
        updates = work.session.query(CountryUpdate).order_by(CountryUpdate.id).all()
        assert [len(u.revisions) for u in updates] == [0, 1]
        assert all(u.achievements == "Platform launched" for u in updates)


def test_updates_with_a_period_go_with_their_revisions(database: Database) -> None:
    clock = _consortium(database, RETENTION_FILE.replace("updates: keep", "updates: 2y"))
    with database.write() as work:
        work.add(_update(NOW - 1000 * DAY, edited=NOW - 900 * DAY))
        work.add(_update(NOW - 1000 * DAY, edited=NOW - 10 * DAY))  # edited lately: stays
        work.add(_update(NOW - 30 * DAY))
    run = RetentionJob(database, clock).run_if_due()
    assert run is not None
    assert run.removed[RetainedKind.UPDATES] == 1
    assert run.removed[RetainedKind.REVISIONS] == 1
    with database.read() as work:
        assert work.session.query(CountryUpdate).count() == 2
        assert work.session.query(UpdateRevision).count() == 1


def test_an_answer_to_a_round_still_open_is_kept_whatever_its_age(database: Database) -> None:
    """A round open for years still reads its answers (status, nudges, requests): they are
    not old records while the round asks for them."""
    clock = _consortium(database, RETENTION_FILE.replace("updates: keep", "updates: 1y"))
    with database.write() as work:
        long_open = Round(
            title="Open for ever",
            opens_on=(NOW - 800 * DAY).date(),
            due_on=(NOW + 30 * DAY).date(),
            created_at=NOW - 800 * DAY,
        )
        closed = Round(
            title="Closed long ago",
            opens_on=(NOW - 800 * DAY).date(),
            due_on=(NOW - 700 * DAY).date(),
            created_at=NOW - 800 * DAY,
            closed_at=NOW - 700 * DAY,
        )
        work.add(long_open)
        work.add(closed)
        work.flush()
        for round_ in (long_open, closed):
            update = _update(NOW - 750 * DAY)
            update.round_id = round_.id
            work.add(update)
    run = RetentionJob(database, clock).run_if_due()
    assert run is not None and run.removed[RetainedKind.UPDATES] == 1
    with database.read() as work:
        (kept,) = work.session.query(CountryUpdate).all()
        assert kept.round_id == long_open.id


def test_rsvps_and_attendance_go_once_their_occurrence_ended_the_period_ago(
    database: Database,
) -> None:
    text = RETENTION_FILE.replace(
        "slack events: 7 days", "slack events: 7 days\n    attendance: 5y"
    )
    clock = _consortium(database, text)
    with database.write() as work:
        meeting = Meeting(
            uid="retained@test",
            kind="webinar",
            title="Webinar",
            starts_local=datetime(2020, 1, 1, 10, 0),
            duration_minutes=120,
            timezone="Europe/Vienna",
            created_at=NOW - 3000 * DAY,
            updated_at=NOW - 3000 * DAY,
        )
        work.add(meeting)
        work.flush()
        # Six months before NOW is 2026-09-10 11:00 Vienna: a meeting from 10:00 to 12:00
        # that day ended after it, one the day before ended before it.
        for day, member in ((9, "U0OLD"), (10, "U0EDGE")):
            start = datetime(2026, 9, day, 10, 0)
            work.add(
                Rsvp(
                    meeting_id=meeting.id,
                    occurrence_local=start,
                    member_id=member,
                    answer="yes",
                    answered_at=NOW - 200 * DAY,
                )
            )
        for year, member in ((2021, "U0GONE"), (2023, "U0KEPT")):
            work.add(
                Attendance(
                    meeting_id=meeting.id,
                    occurrence_local=datetime(year, 3, 1, 10, 0),
                    person_key=member,
                    member_id=member,
                    name=member,
                    source="button",
                    created_at=NOW - 1000 * DAY,
                )
            )
    run = RetentionJob(database, clock).run_if_due()
    assert run is not None
    assert run.removed[RetainedKind.RSVPS] == 1 and run.removed[RetainedKind.ATTENDANCE] == 1
    with database.read() as work:
        assert [r.member_id for r in work.session.query(Rsvp)] == ["U0EDGE"]
        assert [a.member_id for a in work.session.query(Attendance)] == ["U0KEPT"]


def test_handled_slack_events_go_after_their_period_and_erasure_records_stay(
    database: Database,
) -> None:
    clock = _consortium(database)
    with database.write() as work:
        work.add(SlackEvent(event_id="Ev-old", received_at=NOW - 8 * DAY))
        work.add(SlackEvent(event_id="Ev-new", received_at=NOW - 6 * DAY))
        work.add(Erasure(erased_at=NOW - 3000 * DAY, country_codes="AT", requested_by="U0C"))
    run = RetentionJob(database, clock).run_if_due()
    assert run is not None and run.removed[RetainedKind.SLACK_EVENTS] == 1
    with database.read() as work:
        assert [e.event_id for e in work.session.query(SlackEvent)] == ["Ev-new"]
        assert work.session.query(Erasure).count() == 1


def test_more_rows_than_one_batch_all_go(database: Database) -> None:
    clock = _consortium(database)
    old = NOW - 100 * DAY
    count = 2 * BATCH_ROWS + 1
    with database.write() as work:
        for n in range(count):
            work.add(_delivery(f"old-{n}", DeliveryStatus.SENT, old, sent_at=old))
        work.add(_delivery("queued", DeliveryStatus.QUEUED, old, next_attempt_at=old))
    with database.write() as work:  # one statement deletes one batch, no more
        assert work.retention.delete_deliveries(NOW - 90 * DAY, NOW, BATCH_ROWS) == BATCH_ROWS
    run = RetentionJob(database, clock).run_if_due()
    assert run is not None and run.removed[RetainedKind.DELIVERIES] == count - BATCH_ROWS
    assert _keys(database) == {"queued"}


def test_the_run_is_done_once_a_day_from_three_in_the_consortiums_zone(
    database: Database,
) -> None:
    clock = _consortium(database)
    job = RetentionJob(database, clock)
    old = NOW - 100 * DAY
    with database.write() as work:
        work.add(_delivery("first", DeliveryStatus.SENT, old, sent_at=old))
    first = job.run_if_due()
    assert first is not None and first.removed[RetainedKind.DELIVERIES] == 1
    with database.write() as work:
        work.add(_delivery("second", DeliveryStatus.SENT, old, sent_at=old))
    clock.advance(timedelta(hours=15))  # 01:00 Vienna the next day: still today's run done
    assert job.run_if_due() is None
    assert _keys(database) == {"second"}
    clock.advance(timedelta(hours=2))  # 03:00 Vienna: the next day's run is due
    second = job.run_if_due()
    assert second is not None and second.removed[RetainedKind.DELIVERIES] == 1
    assert _keys(database) == set()
    with database.read() as work:
        assert work.job_runs.last_runs()[JOB][0] == clock.now()


def test_two_instances_looking_at_once_run_it_once(database: Database) -> None:
    clock = _consortium(database)
    old = NOW - 100 * DAY
    with database.write() as work:
        for n in range(BATCH_ROWS + 10):
            work.add(_delivery(f"old-{n}", DeliveryStatus.SENT, old, sent_at=old))
    other = Database.connect(database.engine.url.render_as_string(hide_password=False))
    runs: list[object] = []
    try:
        jobs = [RetentionJob(database, clock), RetentionJob(other, clock)]
        failures = run_at_once(2, lambda n: runs.append(jobs[n].run_if_due()))
    finally:
        other.dispose()
    assert failures == []
    done = [run for run in runs if run is not None]
    assert len(done) == 1
    assert done[0].removed[RetainedKind.DELIVERIES] == BATCH_ROWS + 10  # type: ignore[attr-defined]
    assert _keys(database) == set()


# --- through Slack -------------------------------------------------------------------------


@pytest.fixture
def retained_file(tmp_path: Path) -> Path:
    text = EXAMPLE_FILE.read_text(encoding="utf-8").replace(
        "    every: monday 09:00            # weekly digest, in the consortium time zone\n",
        "    every: monday 09:00\n  retention: {deliveries: 90 days, revisions: 2y, updates: 3y}\n",
    )
    path = tmp_path / "retained.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_status_shows_the_policy_and_the_last_runs_counts(
    open_workspace: OpenWorkspace, retained_file: Path
) -> None:
    clock = FixedClock(NOW)
    with open_workspace(clock, retained_file) as workspace:
        old = NOW - 100 * DAY
        with workspace.database.write() as work:
            for key in ("a", "b"):
                work.add(_delivery(f"old-{key}", DeliveryStatus.SENT, old, sent_at=old))
            # Waiting for its recipient's working hours: still queued after the sweep.
            later = NOW + 2 * DAY
            work.add(_delivery("old-queued", DeliveryStatus.QUEUED, old, next_attempt_at=later))
            work.add(SlackEvent(event_id="Ev-old", received_at=NOW - 30 * DAY))
        before = workspace.command("U0COORD1", "/consortium status")
        assert "last retention run: never" in before.ack_text
        summary = workspace.jobs.tick()
        assert "retention: 2 deliveries" in summary and "1 Slack event" in summary
        again = workspace.jobs.tick()  # the same day: nothing more
        assert "retention" not in again
        exchange = workspace.command("U0COORD1", "/consortium status")
        shown = render_message(exchange.ack_text, exchange.ack["blocks"])  # type: ignore[index]
    assert "*Data kept*" in shown
    assert "Records of messages sent or given up on (never one still queued): *90 days*" in shown
    assert "Earlier wordings of country updates, and who edited them: *2 years*" in shown
    assert "Country updates: *3 years*\n" in shown
    assert "Round reports of rounds older than 3 years no longer hold those rounds' updates" in (
        shown
    )
    assert "RSVPs, counted from the end of their occurrence: *1 year* (default)" in shown
    assert "Attendance, counted from the end of its occurrence: *kept*, the consortium's" in shown
    assert "IDs of Slack events handled (so a retry changes nothing): *7 days* (default)" in shown
    assert (
        "*Last retention run:* 2027-03-10 09:00 UTC: removed 2 deliveries, 1 Slack event" in shown
    )
    assert "*Next retention run:* Thu 2027-03-11 03:00 CET" in shown
    assert "last retention run: 2027-03-10 09:00 UTC" in exchange.ack_text
    assert "old-queued" in _keys(workspace.database)


def test_only_coordinators_see_the_status(open_workspace: OpenWorkspace) -> None:
    with open_workspace(FixedClock(NOW), EXAMPLE_FILE) as workspace:
        exchange = workspace.command("U0PT", "/consortium status")
    assert "Only coordinators" in exchange.ack_text
    assert "Data kept" not in exchange.ack_text
