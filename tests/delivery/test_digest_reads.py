"""The digest reads the series it may show through the next-start index, not every series
stored: its content is what expanding every series gives (occurrences inside and outside its
14 days, one-offs, a moved and a cancelled occurrence, a cancelled series, next starts the
sweep has not moved on yet, and a digest sent after its due instant, when a meeting that
started in between was moved on already); and it takes as many SQL statements at 20 times the
consortium as at once, reading only the series it shows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import event

from bot.core import ids
from bot.local.render import render_message
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.delivery.digest import UPCOMING_DAYS
from scheduling.delivery.notices import ChangeKind, Digest, ScheduleChange
from scheduling.meetings.occurrences import Occurrence, occurrences
from scheduling.meetings.service import MeetingService
from tests.support import EXAMPLE_FILE, OpenWorkspace, confirmed, press

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
ANNOUNCE = "C0ANNOUNCE"
IMPORTED = datetime(2024, 1, 8, 7, 0, tzinfo=UTC)  # a Monday morning
FIRST_MONDAY = datetime(2024, 1, 8, 8, 0, tzinfo=UTC)  # 09:00 in Vienna: the digest is due
CANCEL = ids.MEETING_CANCEL_CONFIRM


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(IMPORTED)


def every_series_expanded(workspace: LocalWorkspace, until: datetime) -> list[Occurrence]:
    """What the digest lists as coming, worked out the long way: every series expanded."""
    horizon = until + timedelta(days=UPCOMING_DAYS)
    every = MeetingService(workspace.database, workspace.clock).all()
    found = (o for series in every for o in occurrences(series, until, horizon))
    return sorted(found, key=lambda o: (o.start, o.series.id))


def coming(digest: Digest) -> list[Occurrence]:
    return [u.occurrence for u in digest.upcoming]


def test_the_digest_lists_what_expanding_every_series_gives_sent_late_or_with_stale_starts(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(IMPORTED + timedelta(minutes=30))
    for line in (
        # A one-off starting the very instant the digest is due, another months away.
        '/meeting schedule workshop "Kick-off" on 8 Jan 2024 at 9am for 60 min',
        '/meeting schedule workshop "Autumn workshop" on 1 Oct 2024 at 10am for 2 hours',
        # The jour fixe of 1 Feb (outside the 14 days) moved into them; one core team
        # meeting inside them cancelled.
        "/meeting move 1 2024-02-01 to 2024-01-18 at 11:00",
        "/meeting cancel 3 on 2024-01-09",
    ):
        assert confirmed(workspace, COORDINATOR, line).status == 200
    # The February webinar, as a whole.
    press(workspace, COORDINATOR, confirmed(workspace, COORDINATOR, "/meeting cancel 6"), CANCEL)
    workspace.executor.wait_idle()
    # The digest goes a minute late: the sweep before it has moved the kick-off's next start
    # on (it has none left), yet it started within the digest's 14 days.
    clock.set(FIRST_MONDAY + timedelta(minutes=1))
    workspace.jobs.sweep()
    digest = workspace.jobs.digests.build(FIRST_MONDAY)
    assert coming(digest) == every_series_expanded(workspace, FIRST_MONDAY)
    assert [(o.series.title, o.start, o.moved) for o in coming(digest)] == [
        ("Kick-off", FIRST_MONDAY, False),
        ("Online consortium meeting", datetime(2024, 1, 11, 9, 0, tzinfo=UTC), False),
        ("Core team meeting (WP and task leaders)", datetime(2024, 1, 16, 8, 30, tzinfo=UTC), False),
        ("Jour fixe of the core countries", datetime(2024, 1, 18, 10, 0, tzinfo=UTC), True),
    ]  # fmt: skip
    assert [(c.what, c.meeting_id, c.on) for c in digest.changes] == [
        (ChangeKind.MOVED, 1, date(2024, 2, 1)),
        (ChangeKind.CANCELLED, 3, date(2024, 1, 9)),
        (ChangeKind.CANCELLED, 6, None),  # the whole series
        (ChangeKind.NEW, 7, date(2024, 1, 8)),
        (ChangeKind.NEW, 8, date(2024, 10, 1)),
    ]
    jour_fixe = "Jour fixe of the core countries"
    assert digest.changes[0] == ScheduleChange(
        ChangeKind.MOVED, jour_fixe, 1, date(2024, 2, 1), moved_to=datetime(2024, 1, 18, 11, 0)
    )
    # As posted: the job builds the same digest.
    workspace.jobs.digest()
    workspace.executor.wait_idle()
    (posted,) = [
        c.params
        for c in workspace.emulator.calls("chat.postMessage")
        if c.params.get("channel") == ANNOUNCE and "weekly digest" in str(c.params.get("blocks"))
    ]
    text = render_message(posted["text"], posted["blocks"], tz="Europe/Vienna")
    assert "*Kick-off* (#7)" in text and "*Jour fixe of the core countries* (#1) _(moved)_" in text
    # Built after its due instant (a retry, a DM waiting for its reader's hours) at which the
    # quarterly consortium meeting started: the sweep has moved its next start on to April,
    # and it is no news, yet it is among the digest's 14 days.
    started = datetime(2024, 1, 11, 9, 0, tzinfo=UTC)
    clock.set(started + timedelta(minutes=1))
    workspace.jobs.sweep()
    late = coming(workspace.jobs.digests.build(started))
    assert late == every_series_expanded(workspace, started)
    assert (late[0].series.id, late[0].start) == (2, started)
    # Previews over the next two months, the sweep run only now and then: many next starts
    # are stale when read, and each preview lists what expanding every series gives.
    for day in range(0, 60, 3):
        clock.set(FIRST_MONDAY + timedelta(days=day, hours=5))
        if day % 9 == 0:
            workspace.jobs.sweep()
        assert coming(workspace.jobs.preview()) == every_series_expanded(workspace, clock.now())


def _scaled(copies: int) -> str:
    """The example file with `copies` times its members, meetings and rounds."""
    doc = yaml.safe_load(EXAMPLE_FILE.read_text(encoding="utf-8"))
    members, meetings, rounds = [], [], []
    for k in range(copies):
        tag = f"K{k}" if k else ""
        members += [
            {**m, "slack_id": m["slack_id"] + tag, "name": m["name"] + tag} for m in doc["members"]
        ]
        meetings += [{**m, "title": f"{m['title']} {tag}"} for m in doc["meetings"]]
        rounds += [{**r, "title": f"{r['title']} {tag}"} for r in doc["rounds"]]
    doc |= {"members": members, "meetings": meetings, "rounds": rounds}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@contextmanager
def statements(workspace: LocalWorkspace) -> Iterator[list[str]]:
    """The SQL statements sent to the database meanwhile."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = workspace.database.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_the_digest_takes_as_many_statements_at_20x_as_at_1x_and_reads_what_it_shows(
    tmp_path: Path, open_workspace: OpenWorkspace, clock: FixedClock
) -> None:
    counted, shown = {}, {}
    for copies in (1, 20):
        consortium_file = tmp_path / f"consortium-{copies}.yaml"
        consortium_file.write_text(_scaled(copies), encoding="utf-8")
        with open_workspace(clock, consortium_file, name=f"x{copies}") as workspace:
            clock.set(FIRST_MONDAY)
            workspace.jobs.preview()  # the directory's snapshot loaded, as in a running bot
            with statements(workspace) as seen:
                digest = workspace.jobs.preview()
            counted[copies] = len(seen)
            # Of the six series of each copy two meet in the 14 days (the jour fixe met on
            # 4 Jan and next on 1 Feb, the rest are past or in February): only those are read.
            with workspace.database.read() as work:
                horizon = FIRST_MONDAY + timedelta(days=UPCOMING_DAYS)
                read = work.meetings.rows_for_digest(
                    FIRST_MONDAY, horizon, FIRST_MONDAY, FIRST_MONDAY
                )
            assert {m.id for m in read.meetings} == {o.series.id for o in coming(digest)}
            assert coming(digest) == every_series_expanded(workspace, FIRST_MONDAY)
            shown[copies] = len(digest.upcoming)
    assert shown == {1: 3, 20: 60}
    assert counted[20] == counted[1] <= 20, counted
