"""RSVP buttons pressed by the wrong person, for the wrong occurrence, or with a value no
reminder carries: each gets a reply that says why, and nothing is stored or redrawn. Many
answers of one member at once leave one answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.core import ids
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import load_consortium_file
from scheduling.consortium.importer import import_consortium
from scheduling.meetings.rsvp import RsvpService
from scheduling.vocabulary import RsvpAnswer
from storage.db import Database
from storage.models import Rsvp
from tests.support import EXAMPLE_FILE, run_at_once

JOUR_FIXE = 1  # the core countries' monthly jour fixe of the example file
JOUR_FIXE_CHANNEL = "C0JOURFIXE"
MARCH = "2026-03-05T10:00:00"  # its first Thursday in March, 10:00 Vienna
GOING = ids.RSVP_ACTIONS["going"]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


def _press(workspace: LocalWorkspace, user: str, value: Any) -> tuple[str, Exchange]:
    """Press Going with `value` (JSON-encoded unless a string); the reply the presser saw."""
    raw = value if isinstance(value, str) else json.dumps(value)
    exchange = workspace.click(user, GOING, raw, channel_id=JOUR_FIXE_CHANNEL)
    workspace.executor.wait_idle()
    assert exchange.status == 200
    replies = [c for c in workspace.emulator.calls("response_url") if c.params.get("user") != "x"]
    return (str(replies[-1].params.get("text", "")) if replies else ""), exchange


def _answers(workspace: LocalWorkspace) -> int:
    with workspace.database.read() as work:
        return int(work.session.scalar(select(func.count()).select_from(Rsvp)) or 0)


def test_a_member_of_the_audience_is_counted(workspace: LocalWorkspace) -> None:
    reply, _ = _press(workspace, "U0PT", {"m": JOUR_FIXE, "o": MARCH})
    assert reply == ""
    assert _answers(workspace) == 1


@pytest.mark.parametrize(
    ("user", "value", "expected"),
    [
        # a supporting country's partner, for the core countries' jour fixe
        ("U0BG", {"m": JOUR_FIXE, "o": MARCH}, "is for core countries, so your answer is not"),
        ("U0PT", {"m": JOUR_FIXE, "o": "1999-01-01T03:33:00"}, "has no meeting on Fri 1 Jan 1999"),
        ("U0PT", {"m": JOUR_FIXE, "o": "2026-03-05T10:01:00"}, "has no meeting on"),
        ("U0PT", {"m": 999, "o": MARCH}, "meeting #999 is no longer scheduled"),
        ("U0PT", {"m": 10**30, "o": MARCH}, "That button no longer works"),
        ("U0PT", {"m": 2**31 - 1, "o": MARCH}, f"meeting #{2**31 - 1} is no longer scheduled"),
        ("U0PT", {"m": "²", "o": MARCH}, "That button no longer works"),
        ("U0PT", {"m": JOUR_FIXE, "o": "9999-12-31T23:59:59"}, "has no meeting on"),
        ("U0PT", {"m": JOUR_FIXE}, "That button no longer works"),
        ("U0PT", "not json", "That button no longer works"),
        ("U0PT", [1, 2], "That button no longer works"),
        ("U0PT", {"m": True, "o": MARCH}, "That button no longer works"),
    ],
)
def test_answers_no_reminder_asked_for_are_refused_with_the_reason(
    workspace: LocalWorkspace, user: str, value: Any, expected: str
) -> None:
    reply, exchange = _press(workspace, user, value)
    assert expected in reply
    assert _answers(workspace) == 0
    assert not workspace.emulator.calls("chat.update")
    assert not [c for c in exchange.calls if c.method == "chat.postMessage"]


def test_a_cancelled_or_past_occurrence_takes_no_answers(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    workspace.command("U0COORD1", "/meeting cancel 1 on 2026-03-05")
    reply, _ = _press(workspace, "U0PT", {"m": JOUR_FIXE, "o": MARCH})
    assert "has no meeting on Thu 5 Mar 2026 10:00" in reply
    clock.set(datetime(2026, 4, 2, 12, 0, tzinfo=UTC))  # April's jour fixe ended at 10:00 UTC
    reply, _ = _press(workspace, "U0PT", {"m": JOUR_FIXE, "o": "2026-04-02T10:00:00"})
    assert "on Thu 2 Apr 2026 is over" in reply
    assert _answers(workspace) == 0


def test_a_coordinator_may_answer_for_any_meeting(workspace: LocalWorkspace) -> None:
    reply, _ = _press(workspace, "U0COORD2", {"m": JOUR_FIXE, "o": MARCH})
    assert reply == ""
    assert _answers(workspace) == 1


def test_fifty_answers_of_one_member_at_once_leave_one(
    database: Database, clock: FixedClock
) -> None:
    import_consortium(database, load_consortium_file(EXAMPLE_FILE), clock)
    directory = DirectoryService(database)
    rsvps = RsvpService(database, clock, directory)
    member = directory.profile("U0PT")
    assert member is not None
    choices = [RsvpAnswer.GOING, RsvpAnswer.MAYBE, RsvpAnswer.NOT_GOING]
    failures = run_at_once(
        50,
        lambda n: rsvps.record(JOUR_FIXE, datetime.fromisoformat(MARCH), member, choices[n % 3]),
    )
    assert failures == []
    with database.read() as work:
        rows = list(work.session.scalars(select(Rsvp)))
    assert len(rows) == 1 and rows[0].member_id == "U0PT"
