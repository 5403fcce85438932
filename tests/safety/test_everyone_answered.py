"""Everyone who presses a button or submits a form gets an answer they can see: Slack shows
no ack body for a button, so the answer goes by chat.postEphemeral or response_url, whoever
pressed (a stranger, a partner at a coordinators' button, a member with a stale value)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from bot.core import ids
from bot.local.workspace import Exchange, LocalWorkspace
from bot.reminders.blocks import rsvp_value
from storage.models import Rsvp

COORDINATOR, PARTNER = "U0COORD1", "U0PT"
JOUR_FIXE_CHANNEL = "C0JOURFIXE"
MEMBER_LIST = "You are not in the CapaCITIES member list yet"
ASK = "Ask a coordinator to add you: Coordinator (FFG), Coordinator (UEFISCDI)."
# Every button the bot answers.
BUTTONS = [
    *ids.RSVP_ACTIONS.values(),
    ids.UPDATE_EDIT,
    ids.UPDATE_SHOW_ALL,
    ids.ROUND_SUBMIT,
    ids.MEETING_CANCEL_PICK,
    ids.MEETING_CANCEL_CONFIRM,
    ids.MEETING_CANCEL_KEEP,
    ids.MEETING_CANCEL_UNDO,
    ids.ROUND_PICK,
    ids.ROUND_CLOSE_CONFIRM,
    ids.ROUND_CLOSE_KEEP,
    ids.ROUND_CLOSE_UNDO,
]
COORDINATORS_BUTTONS = [
    ids.MEETING_CANCEL_PICK,
    ids.MEETING_CANCEL_CONFIRM,
    ids.MEETING_CANCEL_UNDO,
    ids.ROUND_PICK,
    ids.ROUND_CLOSE_CONFIRM,
    ids.ROUND_CLOSE_UNDO,
]


def _seen(exchange: Exchange) -> list[tuple[str, str, str]]:
    """What the presser was shown after the ack: (method, user or channel, text)."""
    return [
        (c.method, str(c.params.get("user", "")), str(c.params.get("text", "")))
        for c in exchange.calls
        if c.method in ("chat.postEphemeral", "response_url")
    ]


def _answers(workspace: LocalWorkspace) -> int:
    with workspace.database.read() as work:
        return int(work.session.scalar(select(func.count()).select_from(Rsvp)) or 0)


def test_a_stranger_pressing_an_rsvp_button_is_told_why_by_an_ephemeral_message(
    workspace: LocalWorkspace,
) -> None:
    stranger = workspace.member_id("U9NEWCOMER")  # in the Slack workspace, not the consortium
    value = rsvp_value(1, datetime(2024, 2, 1, 10, 0), 60)
    pressed = workspace.click(stranger, ids.RSVP_ACTIONS["going"], value, JOUR_FIXE_CHANNEL)
    assert pressed.status == 200
    assert pressed.ack == ""  # Slack would show nothing of an ack body
    (told,) = [c.params for c in pressed.calls if c.method == "chat.postEphemeral"]
    assert told["channel"] == JOUR_FIXE_CHANNEL and told["user"] == stranger
    assert told["text"] == f"{MEMBER_LIST}, so I cannot record your answer. {ASK}"
    assert "so I cannot record your answer" in json.dumps(told["blocks"])
    assert _answers(workspace) == 0
    assert [c.method for c in pressed.calls] == ["chat.postEphemeral"]


@pytest.mark.parametrize("action", BUTTONS)
def test_every_button_pressed_by_a_stranger_is_answered_where_they_see_it(
    workspace: LocalWorkspace, action: str
) -> None:
    stranger = workspace.member_id("U9NEWCOMER")
    pressed = workspace.click(stranger, action, '{"m": 1, "r": 1, "s": 0, "v": 1}')
    assert pressed.ack == ""
    (seen,) = _seen(pressed)
    assert seen[0] == "chat.postEphemeral" and seen[1] == stranger
    assert seen[2].startswith(MEMBER_LIST)


def test_a_stranger_the_bot_cannot_answer_in_the_channel_is_answered_by_response_url(
    workspace: LocalWorkspace,
) -> None:
    # Not a user of the emulated workspace, so chat.postEphemeral fails: the response_url
    # of the button takes the answer.
    pressed = workspace.click("U9GHOST", ids.UPDATE_EDIT, "1")
    methods = [(c.method, c.status) for c in pressed.calls]
    assert ("chat.postEphemeral", 200) in methods  # tried, and refused (ok: false)
    (reply,) = [c.params for c in pressed.calls if c.method == "response_url"]
    assert reply["text"].startswith(MEMBER_LIST)
    assert not [c for c in pressed.calls if c.method == "chat.postMessage"]


@pytest.mark.parametrize("action", COORDINATORS_BUTTONS)
def test_a_partner_at_a_coordinators_button_is_told_by_an_ephemeral_message(
    workspace: LocalWorkspace, action: str
) -> None:
    pressed = workspace.click(PARTNER, action, '{"m": 1, "r": 1, "s": 0, "v": 1, "a": "close"}')
    assert pressed.ack == ""
    (seen,) = _seen(pressed)
    assert seen[:2] == ("chat.postEphemeral", PARTNER)
    assert seen[2].startswith("Only coordinators can")


@pytest.mark.parametrize("action", BUTTONS)
@pytest.mark.parametrize("value", ["", "garbled", "[]", '{"m": "x", "r": "x"}'])
def test_every_button_with_a_stale_value_answers_a_member_where_they_see_it(
    workspace: LocalWorkspace, action: str, value: str
) -> None:
    pressed = workspace.click(COORDINATOR, action, value)
    assert pressed.status == 200 and pressed.ack == ""
    opened = [c for c in pressed.calls if c.method == "views.open"]
    assert _seen(pressed) or opened, pressed.calls


def test_a_coordinators_form_without_inputs_from_a_partner_is_refused_in_the_view(
    workspace: LocalWorkspace,
) -> None:
    view = {"id": "V0FORM", "type": "modal", "callback_id": ids.MEETING_MODAL, "blocks": []}
    submitted = workspace.submit_view(PARTNER, view, {})
    assert isinstance(submitted.ack, dict) and submitted.ack["response_action"] == "update"
    assert "Only coordinators can schedule meetings" in json.dumps(submitted.ack["view"])
