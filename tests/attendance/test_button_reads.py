"""The *I'm here* sweep and its `next_due` read only the series that may have started within
the grace (the next-start index), and do exactly what expanding every series did: a meeting
changed just after it started (its next start already moved on to the next month) still gets
its button from the next sweep, a sweep after a gap still posts within the grace, and over
three months with the sweep run only now and then `next_due` is the long way's, asked about
the present or an instant before the next starts were worked out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.delivery.deliverer import SweepReport
from scheduling.delivery.jobs import LOOK_AHEAD
from scheduling.meetings.occurrences import occurrences
from scheduling.meetings.service import MeetingService
from tests.support import confirmed

COORDINATOR = "U0COORD1"
JOUR_FIXE = "Jour fixe of the core countries"
STARTED = datetime(2024, 1, 4, 9, 0, tzinfo=UTC)  # the first jour fixe: 10:00 in Vienna


def posted_buttons(workspace: LocalWorkspace) -> list[str]:
    return [
        str(call.params.get("text"))
        for call in workspace.emulator.calls("chat.postMessage")
        if "has started" in str(call.params.get("text"))
    ]


def test_a_meeting_changed_after_it_started_still_gets_its_button_from_the_next_sweep(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(STARTED - timedelta(minutes=1))
    workspace.jobs.tick()
    clock.set(STARTED + timedelta(seconds=10))
    edited = workspace.command(COORDINATOR, "/meeting edit 1 link https://zoom.example/j/new")
    assert edited.status == 200
    workspace.executor.wait_idle()
    with workspace.database.read() as work:
        meeting = work.meetings.get(1)
        assert meeting is not None and meeting.next_start_at is not None
        assert meeting.next_start_at > STARTED + timedelta(days=20)  # February's already
    clock.set(STARTED + timedelta(seconds=40))
    workspace.jobs.tick()
    (button,) = posted_buttons(workspace)
    assert button.startswith(f"{JOUR_FIXE} has started")


def test_a_sweep_after_a_gap_posts_within_the_grace_and_not_after(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    # Nothing ran since the import two days before: the jour fixe's next start is stale.
    clock.set(STARTED + timedelta(minutes=20))
    workspace.jobs.attendance.sweep(clock.now(), SweepReport())
    assert len(posted_buttons(workspace)) == 1
    clock.set(datetime(2024, 2, 1, 9, 31, tzinfo=UTC))  # 31 minutes after February's
    workspace.jobs.attendance.sweep(clock.now(), SweepReport())
    assert len(posted_buttons(workspace)) == 1


def next_start_the_long_way(workspace: LocalWorkspace, after: datetime) -> datetime | None:
    found = []
    for series in MeetingService(workspace.database, workspace.clock).all():
        if series.all_day:
            continue
        for occurrence in occurrences(series, after, after + LOOK_AHEAD):
            if occurrence.start > after:
                found.append(occurrence.start)
                break
    return min(found, default=None)


def test_next_due_is_the_next_start_the_long_way_however_stale_the_index(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    start = clock.now()
    for step in range(0, 200):
        now = start + step * timedelta(hours=10, minutes=53)
        clock.set(now)
        if step == 6:
            line = "/meeting move 3 2024-01-16 to 2024-01-15 at 16:00"
            assert confirmed(workspace, COORDINATOR, line).status == 200
        if step % 5 == 0:
            workspace.jobs.sweep()  # moves the next starts that passed on
        expected = next_start_the_long_way(workspace, now)
        assert workspace.jobs.attendance.next_due(now, LOOK_AHEAD) == expected, now
        # Asked about an earlier instant: the next starts worked out since do not hold then.
        before = now - timedelta(days=2)
        found = workspace.jobs.attendance.next_due(before, LOOK_AHEAD)
        assert found == next_start_the_long_way(workspace, before), before
        # Exactly at a start the next one is the one after it.
        if expected is not None:
            after = workspace.jobs.attendance.next_due(expected, LOOK_AHEAD)
            assert after == next_start_the_long_way(workspace, expected), expected
