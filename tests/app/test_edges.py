"""Values at the edges, typed into commands as a careless or curious person would: each is
refused with the limit in the message, nothing is stored, and no traceback is logged."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock

COORDINATOR = "U0COORD1"
LONG = "x" * 501


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            '/meeting schedule webinar "End" once on 9999-12-31 at 10:00',
            "9999-12-31 is outside the dates I plan in (2000 to 2199)",
        ),
        ("/meeting move 1 2027-01-07 to 9999-12-31", "9999-12-31 is outside the dates"),
        ("/meeting cancel 1 on 9999-12-31", "9999-12-31 is outside the dates"),
        ("/meeting who 1 on 0001-01-01", "0001-01-01 is outside the dates"),
        ('/round open "Far" due 9999-12-31', "9999-12-31 is outside the dates"),
        ("/meeting edit 1 reminders 99999999999999w", "too long: the reminder can be 13w at most"),
        ("/meeting edit 1 reminders 1d 2d 3d 4d 5d 6d", "5 reminders at most"),
        ("/meeting edit 1 duration 9" + "9" * 5000 + "h", "too long: the duration can be 4w"),
        (
            '/meeting schedule webinar "Long" once on 2027-01-04 at 10:00 for 99999999999999h',
            "too long: the duration can be 4w at most",
        ),
        (f"/meeting edit 1 location {LONG}", "keep it under 500"),
        (f"/meeting edit 1 link https://example.org/{'x' * 2000}", "longer than 2000 characters"),
        ("/meeting who ²", "cannot read '²' as a meeting number"),
        ("/meeting edit 1 title Two\nlines", "the title must be one line"),
        ("/meeting cancel 12345678901234567890123", "as a meeting number"),
        ("/round status 99999999999999999999999", "There is no round '99999999999999999999999'"),
    ],
)
def test_each_edge_is_refused_with_its_limit(
    workspace: LocalWorkspace, caplog: pytest.LogCaptureFixture, command: str, expected: str
) -> None:
    before = workspace.command(COORDINATOR, "/meeting list").ack
    with caplog.at_level(logging.ERROR):
        exchange = workspace.command(COORDINATOR, command)
    assert exchange.status == 200
    assert expected in exchange.ack_text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert workspace.command(COORDINATOR, "/meeting list").ack == before
