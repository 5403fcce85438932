"""The *I'm here* button of the example consortium's first jour fixe (Thu 4 Jan 2024, 10:00
Vienna = 09:00 UTC, an hour, for the core countries): posted once when it starts however
often the jobs run, pressed by members of two countries, counted by country and redrawn in
place; a press after the window is told the meeting is over."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.core import ids
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock

JOUR_FIXE = "Jour fixe of the core countries"
CHANNEL = "C0JOURFIXE"
STARTED = datetime(2024, 1, 4, 9, 0, tzinfo=UTC)


def posted_buttons(workspace: LocalWorkspace) -> list[dict[str, object]]:
    return [
        call.params
        for call in workspace.emulator.calls("chat.postMessage")
        if "has started" in str(call.params.get("text"))
    ]


def here_value(workspace: LocalWorkspace) -> str:
    (message,) = posted_buttons(workspace)
    values = [
        element["value"]
        for block in message["blocks"]  # type: ignore[attr-defined]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ids.ATTENDANCE_HERE
    ]
    assert len(values) == 1
    return str(values[0])


def replies(exchange: object) -> str:
    return " ".join(
        str(c.params.get("text"))
        for c in exchange.calls
        if c.method == "response_url"  # type: ignore[attr-defined]
    )


def test_the_button_is_posted_once_when_the_jour_fixe_starts(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(datetime(2024, 1, 4, 8, 59, tzinfo=UTC))
    workspace.jobs.tick()
    assert posted_buttons(workspace) == []
    clock.set(STARTED)
    workspace.jobs.tick()
    workspace.jobs.tick()
    (message,) = posted_buttons(workspace)
    assert message["channel"] == CHANNEL
    assert str(message["text"]).startswith(f"{JOUR_FIXE} has started: press I'm here")
    assert json.loads(here_value(workspace)) == {"m": 1, "o": "2024-01-04T10:00:00"}


def test_presses_are_counted_by_country_and_the_message_redrawn(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(STARTED)
    workspace.jobs.tick()
    value = here_value(workspace)
    clock.set(datetime(2024, 1, 4, 9, 5, tzinfo=UTC))
    first = workspace.click("U0PT", ids.ATTENDANCE_HERE, value, CHANNEL)
    assert "you are counted" in replies(first)
    updates = [c for c in first.calls if c.method == "chat.update"]
    assert updates and "1 here: Portugal 1" in json.dumps(updates[-1].params["blocks"])
    second = workspace.click("U0FI", ids.ATTENDANCE_HERE, value, CHANNEL)
    redrawn = [c for c in second.calls if c.method == "chat.update"][-1].params
    assert "2 here: Finland 1, Portugal 1" in json.dumps(redrawn["blocks"])
    assert redrawn["text"].startswith(JOUR_FIXE)
    again = workspace.click("U0PT", ids.ATTENDANCE_HERE, value, CHANNEL)
    assert "already counted" in replies(again)
    assert not [c for c in again.calls if c.method == "chat.update"]
    counts = workspace.services.attendance.counts(1, datetime(2024, 1, 4, 10, 0))
    assert counts.by_country == {"FI": 1, "PT": 1}


def test_a_press_after_the_window_is_told_the_meeting_is_over(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(STARTED)
    workspace.jobs.tick()
    value = here_value(workspace)
    clock.set(datetime(2024, 1, 4, 10, 29, tzinfo=UTC))  # end + 29 min: still counts
    assert "you are counted" in replies(
        workspace.click("U0FI", ids.ATTENDANCE_HERE, value, CHANNEL)
    )
    clock.set(datetime(2024, 1, 4, 10, 31, tzinfo=UTC))
    late = workspace.click("U0PT", ids.ATTENDANCE_HERE, value, CHANNEL)
    assert "is over; ask a coordinator" in replies(late)
    counts = workspace.services.attendance.counts(1, datetime(2024, 1, 4, 10, 0))
    assert counts.by_country == {"FI": 1}
