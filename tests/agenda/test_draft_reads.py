"""The draft agendas' sweep and `next_due` read only the series that may start within their
windows (the next-start index), and do exactly what expanding every series did: over four
months of the example consortium, with the sweep run only now and then (so most next starts
are stale when read), a meeting given a lead of its own, an occurrence moved, one cancelled
and a new consortium meeting, every draft the long way owes is sent (or queued for the
coordinator's hours), no other, and every `next_due` is the long way's."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.local.workspace import LocalWorkspace
from scheduling.agenda.drafts import DRAFTED_KINDS, draft_key
from scheduling.agenda.reading import agenda_days
from scheduling.clock import FixedClock
from scheduling.delivery.deliverer import SweepReport
from scheduling.delivery.jobs import LOOK_AHEAD
from scheduling.meetings.mapping import to_series
from scheduling.meetings.occurrences import occurrences
from storage.models import Delivery, Meeting
from tests.support import confirmed

COORDINATORS = ("U0COORD1", "U0COORD2")
CHANGES = {  # step -> what a coordinator does then
    3: "/meeting edit 2 agenda 30d",  # the quarterly consortium meeting: a month ahead
    5: "/meeting move 1 2024-03-07 to 2024-03-05 at 10:00",
    8: "/meeting cancel 1 on 2024-04-04",
    11: '/meeting schedule consortium "Extra consortium meeting" on 20 Feb 2024 at 2pm for 1h',
}


def _drafted(workspace: LocalWorkspace) -> list[Meeting]:
    with workspace.database.read() as work:
        return [
            m for m in work.meetings.all() if m.kind in DRAFTED_KINDS or m.agenda_days is not None
        ]


def owed_the_long_way(workspace: LocalWorkspace, now: datetime) -> set[str]:
    """The drafts due by `now` whose occurrence has not started, every series expanded."""
    owed = set()
    for meeting in _drafted(workspace):
        lead = timedelta(days=agenda_days(meeting))
        for occurrence in occurrences(to_series(meeting), now, now + lead + timedelta(seconds=1)):
            if occurrence.start - lead >= meeting.created_at:
                owed |= {draft_key(meeting.id, occurrence.original_local, c) for c in COORDINATORS}
    return owed


def next_due_the_long_way(workspace: LocalWorkspace, after: datetime) -> datetime | None:
    found = []
    for meeting in _drafted(workspace):
        lead = timedelta(days=agenda_days(meeting))
        series = to_series(meeting)
        for occurrence in occurrences(series, after + lead, after + lead + LOOK_AHEAD):
            if occurrence.start - lead > after:
                found.append(occurrence.start - lead)
                break
    return min(found, default=None)


def known_drafts(workspace: LocalWorkspace) -> set[str]:
    with workspace.database.read() as work:
        query = select(Delivery.key).where(Delivery.key.like("agenda:%"))
        return set(work.session.scalars(query))


def test_drafts_and_their_next_due_are_those_of_expanding_every_series(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    start, owed_so_far = clock.now(), set()
    for step in range(0, 240):
        now = start + step * timedelta(hours=11, minutes=7)
        clock.set(now)
        if step in CHANGES:
            assert confirmed(workspace, COORDINATORS[0], CHANGES[step]).status == 200
            workspace.executor.wait_idle()
        for after in (now, now - timedelta(days=9)):  # the present, or before the index
            found = workspace.jobs.agendas.next_due(after, LOOK_AHEAD)
            assert found == next_due_the_long_way(workspace, after), after
        if step % 7 == 0:
            workspace.jobs.sweep()  # moves the next starts that passed on, then drafts
        else:
            workspace.jobs.agendas.sweep(now, SweepReport())  # the next starts left stale
        owed = owed_the_long_way(workspace, now)
        assert owed <= known_drafts(workspace), (now, owed - known_drafts(workspace))
        owed_so_far |= owed
    assert known_drafts(workspace) == owed_so_far
    # The changes took part: the consortium meeting's own lead, the extra meeting, the move.
    assert {k.split(":")[1] for k in owed_so_far} >= {"1", "2", "7"}
    assert any("2024-03-07T10:00" in k for k in owed_so_far)
