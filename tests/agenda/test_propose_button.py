""" "Propose a topic" pressed on the Home tab (and on a reminder): a one-field form for that
occurrence, the same proposal as `/meeting propose`, refused under the field when it must be."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bot.core import ids
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from tests.support import buttons_in

PORTUGUESE = "U0PT"
BULGARIAN = "U0BG"


def home_view(workspace: LocalWorkspace, user: str) -> dict[str, Any]:
    exchange = workspace.open_home(user)
    (call,) = [c for c in exchange.calls if c.method == "views.publish"]
    return call.params["view"]


def topic(value: str) -> dict[str, Any]:
    return {ids.TOPIC_TITLE: {ids.TOPIC_TITLE: {"type": "plain_text_input", "value": value}}}


def test_a_topic_proposed_from_the_home_tab(workspace: LocalWorkspace) -> None:
    buttons = buttons_in(home_view(workspace, PORTUGUESE)["blocks"])
    proposals = [v for a, v in buttons if a == ids.TOPIC_PROPOSE_OPEN]
    # The jour fixe (4 Jan) and the consortium meeting (11 Jan) take topics.
    assert [json.loads(v) for v in proposals] == [
        {"m": 1, "d": "2024-01-04"},
        {"m": 2, "d": "2024-01-11"},
    ]
    pressed = workspace.click_on_home(PORTUGUESE, ids.TOPIC_PROPOSE_OPEN, proposals[0])
    (opened,) = [c.params["view"] for c in pressed.calls if c.method == "views.open"]
    empty = workspace.submit_view(PORTUGUESE, opened, topic("   "))
    assert isinstance(empty.ack, dict) and ids.TOPIC_TITLE in empty.ack["errors"]
    done = workspace.submit_view(PORTUGUESE, opened, topic("Twinning <visits> & more"))
    assert isinstance(done.ack, dict) and done.ack["response_action"] == "update"
    assert "Twinning &lt;visits&gt; &amp; more" in json.dumps(done.ack["view"])
    listed = workspace.command("U0COORD1", "/meeting topics 1")
    assert "Twinning &lt;visits&gt; &amp; more" in json.dumps(listed.ack)


def test_a_forged_proposal_for_a_meeting_not_theirs_is_refused_under_the_field(
    workspace: LocalWorkspace,
) -> None:
    pressed = workspace.click_on_home(
        BULGARIAN, ids.TOPIC_PROPOSE_OPEN, json.dumps({"m": 1, "d": "2024-01-04"})
    )
    (opened,) = [c.params["view"] for c in pressed.calls if c.method == "views.open"]
    refused = workspace.submit_view(BULGARIAN, opened, topic("Ours"))
    assert isinstance(refused.ack, dict) and refused.ack["response_action"] == "errors"
    assert "propose topics" in refused.ack["errors"][ids.TOPIC_TITLE]


def test_the_reminder_of_a_jour_fixe_offers_to_propose_a_topic(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    # The jour fixe of Thu 4 Jan 2024 10:00 Vienna has a reminder a day before.
    clock.set(datetime(2024, 1, 3, 9, 0, tzinfo=UTC))
    workspace.jobs.sweep()
    workspace.executor.wait_idle()
    reminders = [
        c.params
        for c in workspace.emulator.calls()
        if c.method == "chat.postMessage" and "Reminder" in c.params.get("text", "")
    ]
    assert reminders
    offered = [
        json.loads(v) for a, v in buttons_in(reminders[-1]["blocks"]) if a == ids.TOPIC_PROPOSE_OPEN
    ]
    assert offered == [{"m": 1, "d": "2024-01-04"}]
