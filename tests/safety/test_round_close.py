"""Closing a round asks first and can be undone for ten minutes; /round close, remind and
export without a round ask which when several are open. End to end through signed requests."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.core import ids
from bot.local.render import render_message
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from tests.support import buttons_of, press

COORDINATOR, OTHER_COORDINATOR, PORTUGUESE, FINNISH = "U0COORD1", "U0COORD2", "U0PT", "U0FI"
IMPORTED = "round #1 “Annual Action Plan update 2024”"  # open, for the 13 core countries


def _reply(exchange: Exchange) -> dict[str, Any]:
    (reply,) = [c.params for c in exchange.calls if c.method == "response_url"]
    return reply


def _status(workspace: LocalWorkspace, reference: str = "1") -> str:
    status = workspace.command(FINNISH, f"/round status {reference}")
    return render_message(status.ack_text, status.ack["blocks"])  # type: ignore[index]


def _form(workspace: LocalWorkspace, member: str) -> dict[str, Any]:
    """The update form as it opens for `member`."""
    opened = workspace.command(member, "/update")
    (call,) = [c for c in opened.calls if c.method == "views.open"]
    view: dict[str, Any] = call.response["view"]
    return view


def _submit(
    workspace: LocalWorkspace, member: str, round_value: str, view: dict[str, Any] | None = None
) -> Exchange:
    """The member's update form (or one opened earlier), posted for the round `round_value`."""
    view = view or _form(workspace, member)
    values = LocalWorkspace.fill(
        view, {"update_achievements": "Done"}, {ids.UPDATE_ROUND: round_value}
    )
    return workspace.submit_view(member, view, values)


def test_closing_asks_first_keep_changes_nothing(workspace: LocalWorkspace) -> None:
    _submit(workspace, PORTUGUESE, "1")
    asked = workspace.command(COORDINATOR, "/round close 1")
    assert asked.ack_text == (
        f"Close {IMPORTED}? 12 of 13 countries have not answered "
        "(AT, CZ, FI, FR, GR, HU, IT, NL, …); they can no longer submit."
    )
    assert [a for a, _ in buttons_of(asked)] == [ids.ROUND_CLOSE_CONFIRM, ids.ROUND_CLOSE_KEEP]
    assert asked.calls == []
    assert "· overdue ·" in _status(workspace)  # still open
    kept = press(workspace, COORDINATOR, asked, ids.ROUND_CLOSE_KEEP)
    assert _reply(kept)["text"] == f"Kept {IMPORTED} open, unchanged."
    assert "· overdue ·" in _status(workspace)


def test_confirm_closes_and_undo_reopens_the_same_round_with_its_answers(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    _submit(workspace, PORTUGUESE, "1")
    finnish_form = _form(workspace, FINNISH)  # opened before the round closes
    asked = workspace.command(COORDINATOR, "/round close 1")
    closed = press(workspace, COORDINATOR, asked, ids.ROUND_CLOSE_CONFIRM)
    reply = _reply(closed)
    assert reply["text"] == "Closed round #1 “Annual Action Plan update 2024”."
    assert reply["replace_original"] is True
    assert [a for a, _ in buttons_of(closed)] == [ids.ROUND_CLOSE_UNDO]
    assert "· closed ·" in _status(workspace)
    refused = _submit(workspace, FINNISH, "1", finnish_form)
    assert "is closed" in json.dumps(refused.ack)

    clock.advance(timedelta(minutes=5))
    reopened = press(workspace, COORDINATOR, closed, ids.ROUND_CLOSE_UNDO)
    assert _reply(reopened)["text"].startswith(
        "Reopened round #1 “Annual Action Plan update 2024” with its answers"
    )
    status = _status(workspace)
    assert "· overdue · 1 of 13 countries submitted" in status
    assert "Portugal: *late*" in status
    accepted = _submit(workspace, FINNISH, "1", finnish_form)
    assert accepted.ack["response_action"] == "update"  # type: ignore[index]


def test_undo_after_ten_minutes_is_refused(workspace: LocalWorkspace, clock: FixedClock) -> None:
    closed = press(
        workspace,
        COORDINATOR,
        workspace.command(COORDINATOR, "/round close 1"),
        ids.ROUND_CLOSE_CONFIRM,
    )
    clock.advance(timedelta(minutes=11))
    late = press(workspace, COORDINATOR, closed, ids.ROUND_CLOSE_UNDO)
    text = _reply(late)["text"]
    assert text.startswith("It is too late to undo that: Round #1")
    assert "`/update`" in text and "`/round open`" in text
    assert "· closed ·" in _status(workspace)


def test_undo_after_the_round_was_closed_again_is_refused(workspace: LocalWorkspace) -> None:
    closed = press(
        workspace,
        COORDINATOR,
        workspace.command(COORDINATOR, "/round close 1"),
        ids.ROUND_CLOSE_CONFIRM,
    )
    press(workspace, COORDINATOR, closed, ids.ROUND_CLOSE_UNDO)
    again = press(
        workspace,
        OTHER_COORDINATOR,
        workspace.command(OTHER_COORDINATOR, "/round close 1"),
        ids.ROUND_CLOSE_CONFIRM,
    )
    assert _reply(again)["text"].startswith("Closed round #1")
    stale = press(workspace, COORDINATOR, closed, ids.ROUND_CLOSE_UNDO)
    assert "was reopened and closed again after this" in _reply(stale)["text"]
    assert "· closed ·" in _status(workspace)


def test_a_partner_pressing_a_forged_close_or_undo_is_refused(workspace: LocalWorkspace) -> None:
    for action, value in (
        (ids.ROUND_CLOSE_CONFIRM, {"r": 1}),
        (ids.ROUND_CLOSE_UNDO, {"r": 1, "v": 1}),
        (ids.ROUND_PICK, {"r": 1, "a": "close", "f": "md"}),
    ):
        forged = workspace.click(PORTUGUESE, action, json.dumps(value))
        (told,) = [c.params for c in forged.calls if c.method == "chat.postEphemeral"]
        assert told["user"] == PORTUGUESE and told["text"].startswith("Only coordinators can")
    assert "· overdue ·" in _status(workspace)


def test_several_open_rounds_ask_which_and_one_goes_on(workspace: LocalWorkspace) -> None:
    workspace.command(COORDINATOR, '/round open "Spring call" due 2024-03-01 for PT FI')
    for action in ("close", "remind", "export"):
        asked = workspace.command(COORDINATOR, f"/round {action}")
        assert asked.ack_text.startswith(
            f"2 rounds are open: which one do you want to {action}? #2 Spring call; #1 Annual"
        )
        labels = [
            e["text"]["text"]
            for b in asked.ack["blocks"]  # type: ignore[index]
            if b.get("accessory")
            for e in [b["accessory"]]
        ]
        assert labels == [
            f"{action.capitalize()} #2 Spring call",
            f"{action.capitalize()} #1 Annual Action Plan update 2024",
        ]
        assert [c.method for c in asked.calls] == []  # nothing done yet
    # Choosing goes on with that round: closing still asks first.
    picked = press(
        workspace, COORDINATOR, workspace.command(COORDINATOR, "/round close"), ids.ROUND_PICK
    )
    assert _reply(picked)["text"].startswith("Close round #2 “Spring call”? 2 of 2 countries")
    press(workspace, COORDINATOR, picked, ids.ROUND_CLOSE_CONFIRM)
    assert "· closed ·" in _status(workspace, "2")
    assert "· overdue ·" in _status(workspace, "1")
    # With one round open, the command goes on with it (and closing asks first).
    only = workspace.command(COORDINATOR, "/round close")
    assert only.ack_text.startswith(f"Close {IMPORTED}?")


def test_an_export_chosen_from_the_list_arrives_in_the_format_asked(
    workspace: LocalWorkspace,
) -> None:
    workspace.command(COORDINATOR, '/round open "Spring call" due 2024-03-01 for PT FI')
    asked = workspace.command(COORDINATOR, "/round export csv")
    exported = press(workspace, COORDINATOR, asked, ids.ROUND_PICK, '"r": 1')
    assert (
        "Preparing the csv export of “Annual Action Plan update 2024”" in (_reply(exported)["text"])
    )
    assert [f.filename for f in workspace.emulator.files() if f.filename.endswith(".csv")]


def test_status_without_a_round_still_shows_the_newest(workspace: LocalWorkspace) -> None:
    workspace.command(COORDINATOR, '/round open "Spring call" due 2024-03-01 for PT FI')
    status = workspace.command(FINNISH, "/round status")
    assert status.ack_text.startswith("Spring call:")


@pytest.mark.parametrize(
    "action", [ids.ROUND_PICK, ids.ROUND_CLOSE_CONFIRM, ids.ROUND_CLOSE_KEEP, ids.ROUND_CLOSE_UNDO]
)
@pytest.mark.parametrize(
    "value",
    ["", "x", "[]", "null", '{"r": "1"}', '{"r": true}', '{"r": 99999999999}', '{"r": 999}',
     '{"r": 1, "a": "delete"}', '{"r": 1, "a": "export", "f": "exe"}', '{"r": 1, "v": "1"}',
     '{"r": 1, "v": 7}'],
)  # fmt: skip
def test_a_garbled_round_button_gets_an_answer_and_changes_nothing(
    workspace: LocalWorkspace, action: str, value: str
) -> None:
    pressed = workspace.click(COORDINATOR, action, value)
    assert pressed.status == 200 and pressed.ack == ""
    assert [c for c in pressed.calls if c.method in ("response_url", "chat.postEphemeral")]
    assert not [c for c in pressed.calls if c.method == "chat.postMessage"]
    # Only a Close naming round 1 by its number closes it (other keys are ignored).
    closes = action == ids.ROUND_CLOSE_CONFIRM and value.startswith('{"r": 1,')
    assert ("· closed ·" if closes else "· overdue ·") in _status(workspace)
