"""Series typed as people say them (`every other month on the last friday`, `for 3
occurrences`, `until 31/10/2027` in New York, `every weekday`) read the same in three
calendar parsers the bot did not write: recurring-ical-events, vobject and Mozilla's ical.js
(Thunderbird's). The files are the ones the bot shares in Slack, through the local workspace."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from tests.calendars.clients import IcalJs, by_recurring_ical_events, by_vobject
from tests.support import confirmed

COORDINATOR = "U0COORD1"
FIRST = datetime(2027, 1, 1, tzinfo=UTC)
LAST = datetime(2028, 1, 1, tzinfo=UTC)
# What each line means, in UTC: the occurrences of 2027 every reader must find.
LINES = {
    '"Review" every other month on the last friday from 1 Jan 2027 at 10:00': [
        "2027-01-29T09:00:00.000Z",
        "2027-03-26T09:00:00.000Z",
        "2027-05-28T08:00:00.000Z",  # summer time in Vienna from 28 March
        "2027-07-30T08:00:00.000Z",
        "2027-09-24T08:00:00.000Z",
        "2027-11-26T09:00:00.000Z",
    ],
    '"Sprint" every tue for 3 occurrences from 23/03/2027 at 9:30': [
        "2027-03-23T08:30:00.000Z",
        "2027-03-30T07:30:00.000Z",  # the clocks went forward on 28 March
        "2027-04-06T07:30:00.000Z",
    ],
    '"NY call" weekly on tuesday from 12 Oct 2027 until 31/10/2027 at 5pm tz New York': [
        "2027-10-12T21:00:00.000Z",
        "2027-10-19T21:00:00.000Z",
        "2027-10-26T21:00:00.000Z",
    ],
    '"Stand-up" every weekday from Mon 29 Nov 2027 until 3 Dec 2027 at 09:00': [
        f"2027-{month_day}T08:00:00.000Z"
        for month_day in ("11-29", "11-30", "12-01", "12-02", "12-03")
    ],
}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))


@pytest.fixture
def shared(workspace: LocalWorkspace) -> dict[str, bytes]:
    """Each line's calendar file, as the bot shared it."""
    files = {}
    for line in LINES:
        said = confirmed(workspace, COORDINATOR, f"/meeting schedule webinar {line}")
        assert said.ack_text.startswith("Scheduled #"), said.ack_text
        files[line] = workspace.emulator.files()[-1].content
    return files


@pytest.mark.parametrize("read", [by_recurring_ical_events, by_vobject])
def test_python_calendar_libraries_read_what_was_said(
    shared: dict[str, bytes], read: Callable[[bytes, datetime, datetime], list[str]]
) -> None:
    for line, expected in LINES.items():
        assert read(shared[line], FIRST, LAST) == expected, line


def test_thunderbirds_parser_reads_what_was_said(shared: dict[str, bytes]) -> None:
    if not IcalJs.available():
        reason = "ical.js is not installed: run `npm ci --prefix tests/calendar_clients`"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    read = IcalJs.read(shared, FIRST, LAST)
    for line, expected in LINES.items():
        assert read[line]["occurrences"] == expected, line
