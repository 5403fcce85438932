"""An action item from one jour fixe, carried onto the country's next update form as a
question ("You planned: … — done?"), and closed by the answer, with its note."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.core import ids
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
FINNISH = "U0FI"


def opened_view(exchange: Exchange) -> dict[str, Any]:
    (call,) = [c for c in exchange.calls if c.method == "views.open"]
    assert call.response["ok"] is True, call.response
    view: dict[str, Any] = call.response["view"]
    return view


def labels(view: dict[str, Any]) -> list[str]:
    return [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]


def tick(values: dict[str, Any], item_id: int, note: str) -> dict[str, Any]:
    """The form's state with the action's "done" box ticked and a note written."""
    question = ids.update_action_block(item_id)
    done = {"text": {"type": "plain_text", "text": "Done"}, "value": "done"}
    values[question] = {question: {"type": "checkboxes", "selected_options": [done]}}
    note_block = ids.update_action_note_block(item_id)
    values[note_block] = {note_block: {"type": "plain_text_input", "value": note}}
    return values


def test_an_action_from_the_jour_fixe_is_answered_done_in_the_next_update_form(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(datetime(2024, 1, 4, 11, 0, tzinfo=UTC))  # the jour fixe of 4 January is over
    workspace.command(
        COORDINATOR, '/action add PT "Send the national roadmap draft" due 1 Feb for meeting 1'
    )
    workspace.command(COORDINATOR, '/action add PT "Book the room for the workshop"')
    workspace.command(COORDINATOR, '/action add FI "Not Portugal\'s"')
    clock.set(datetime(2024, 1, 15, 9, 0, tzinfo=UTC))
    view = opened_view(workspace.command(PORTUGUESE, "/update"))
    asked = [label for label in labels(view) if label.startswith("You planned")]
    assert asked == [
        "You planned: Send the national roadmap draft — done?",
        "You planned: Book the room for the workshop — done?",
    ]
    values = LocalWorkspace.fill(view, {"update_achievements": "Roadmap sent to the ministry"})
    submitted = workspace.submit_view(PORTUGUESE, view, tick(values, 1, "sent on 12 Jan"))
    assert submitted.ack["response_action"] == "update"  # type: ignore[index]
    listed = workspace.command(PORTUGUESE, "/action list")
    assert "Open actions, yours and your country's: 1" in listed.ack_text
    assert "Book the room" in listed.ack_text and "roadmap" not in listed.ack_text
    with workspace.database.read() as work:
        closed = work.actions.get(1)
        assert closed is not None
        assert (closed.status, closed.done_by, closed.done_note) == (
            "done",
            PORTUGUESE,
            "sent on 12 Jan",
        )
    # The next form asks only about what is still open.
    again = opened_view(workspace.command(PORTUGUESE, "/update"))
    assert [label for label in labels(again) if label.startswith("You planned")] == [
        "You planned: Book the room for the workshop — done?"
    ]


def test_a_form_cannot_close_another_countrys_action(
    workspace: LocalWorkspace,
) -> None:
    workspace.command(COORDINATOR, '/action add FI "Finland\'s own"')
    view = opened_view(workspace.command(PORTUGUESE, "/update"))
    assert not [label for label in labels(view) if label.startswith("You planned")]
    # A forged form naming Finland's action: the update is posted, the action stays open.
    forged = {**view, "private_metadata": view["private_metadata"].replace("[]", "[1]")}
    values = LocalWorkspace.fill(view, {"update_achievements": "Something"})
    workspace.submit_view(PORTUGUESE, forged, tick(values, 1, "not mine"))
    assert "Finland's own" in workspace.command(FINNISH, "/action list").ack_text
