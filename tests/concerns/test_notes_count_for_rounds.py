"""A quick note posted while a round asks the country (and it has not answered) offers to count
the note for the round or to open the full form; counting makes it the country's answer, or
adds it to the answer given meanwhile. Every answer to a button reaches the presser through
the message's response_url."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.core import ids
from bot.local.render import render_message
from bot.local.workspace import Exchange, LocalWorkspace
from storage.models import CountryUpdate, Round, UpdateRevision
from tests.support import logged_errors, press

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
FINNISH = "U0FI"
BULGARIAN = "U0BG"
STRANGER = "U9STRANGER"
ROUND = "Spring call"
ASKED = (
    "The round “Spring call” (due Thu 1 Feb 2024) is open, and Portugal has not answered it yet."
)


@pytest.fixture
def spring(workspace: LocalWorkspace) -> Iterator[LocalWorkspace]:
    """The imported round (#1) closed, and round #2 open for Portugal and Finland."""
    closing = workspace.command(COORDINATOR, "/round close 1")
    press(workspace, COORDINATOR, closing, ids.ROUND_CLOSE_CONFIRM)
    opened = workspace.command(COORDINATOR, f'/round open "{ROUND}" due 2024-02-01 for PT FI')
    assert opened.ack_text.startswith("Opened round #2")
    yield workspace


def buttons(exchange: Exchange) -> dict[str, str]:
    """The note reply's buttons: action ID -> value."""
    assert isinstance(exchange.ack, dict)
    return {
        element["action_id"]: element["value"]
        for block in exchange.ack["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }


def replies(exchange: Exchange) -> list[dict[str, Any]]:
    return [c.params for c in exchange.calls if c.method == "response_url"]


def status_of(workspace: LocalWorkspace, country: str) -> str:
    status = workspace.command(COORDINATOR, "/round status 2")
    assert isinstance(status.ack, dict)
    shown = render_message(status.ack_text, status.ack["blocks"])
    return next(line for line in shown.splitlines() if f"{country}:" in line)


def test_a_note_counted_for_the_round_is_the_countrys_answer(spring: LocalWorkspace) -> None:
    note = spring.command(PORTUGUESE, "/update The mission platform went live")
    assert note.ack_text.startswith("Your note for Portugal is posted (#1).")
    assert ASKED in note.ack_text
    offered = buttons(note)
    assert json.loads(offered[ids.NOTE_COUNT]) == {"update": 1, "round": 2}
    assert json.loads(offered[ids.ROUND_SUBMIT]) == {"round": 2, "country": "PT"}
    assert "Portugal: *missing*" in status_of(spring, "Portugal")

    counted = spring.click(PORTUGUESE, ids.NOTE_COUNT, offered[ids.NOTE_COUNT])
    (reply,) = replies(counted)
    assert reply["replace_original"] is True  # the buttons go: they have done their work
    assert reply["text"] == (
        "Counted: your note #1 is Portugal's answer to “Spring call”. "
        "`/round status` shows Portugal's answer."
    )
    (card,) = [c.params for c in counted.calls if c.method == "chat.update"]
    assert "round: Spring call" in json.dumps(card["blocks"])
    assert "Portugal: *submitted* 2024-01-02" in status_of(spring, "Portugal")
    assert spring.app_services_updates().get(1).round is not None

    again = spring.click(PORTUGUESE, ids.NOTE_COUNT, offered[ids.NOTE_COUNT])
    (refused,) = replies(again)
    assert refused["text"] == "Update #1 already answers a round."
    assert refused["replace_original"] is False
    # Portugal has answered: the next note offers nothing.
    later = spring.command(PORTUGUESE, "/update And the first city joined")
    assert buttons(later) == {}
    assert "has not answered" not in later.ack_text


def test_a_note_is_added_to_the_answer_given_meanwhile(spring: LocalWorkspace) -> None:
    note = spring.command(PORTUGUESE, "/update Ministry confirmed the budget")
    value = buttons(note)[ids.NOTE_COUNT]
    form = spring.click(PORTUGUESE, ids.ROUND_SUBMIT, buttons(note)[ids.ROUND_SUBMIT])
    (opened,) = [c for c in form.calls if c.method == "views.open"]
    view = opened.response["view"]
    round_select = next(b for b in view["blocks"] if b.get("block_id") == ids.UPDATE_ROUND)
    assert round_select["element"]["initial_option"]["value"] == "2"  # the form, preset
    answered = spring.submit_view(
        PORTUGUESE,
        view,
        LocalWorkspace.fill(view, {"update_achievements": "Three cities on board"}),
    )
    assert answered.ack["response_action"] == "update"  # type: ignore[index]
    (answer,) = spring.app_services_updates().recent(limit=1, round_id=2)

    counted = spring.click(PORTUGUESE, ids.NOTE_COUNT, value)
    (reply,) = replies(counted)
    assert reply["text"] == (
        f"Added your note to Portugal's answer to “Spring call” (#{answer.id}); your note #1 "
        "stays as posted. `/round status` shows Portugal's answer."
    )
    updated = spring.app_services_updates().get(answer.id)
    assert updated.fields["note"] == "Ministry confirmed the budget"
    assert updated.fields["achievements"] == "Three cities on board"
    assert spring.app_services_updates().history(answer.id) == [
        (PORTUGUESE, spring.clock.now(), {"note": ["", "Ministry confirmed the budget"]})
    ]
    (card,) = [c.params for c in counted.calls if c.method == "chat.update"]
    assert "Ministry confirmed the budget" in json.dumps(card["blocks"])
    assert spring.app_services_updates().get(1).round is None  # the note itself stays free


def test_a_coordinators_note_for_a_country_offers_the_same(spring: LocalWorkspace) -> None:
    note = spring.command(COORDINATOR, "/update FI: Business Finland joins the alliance")
    assert "Finland has not answered it yet." in note.ack_text
    counted = spring.click(COORDINATOR, ids.NOTE_COUNT, buttons(note)[ids.NOTE_COUNT])
    assert replies(counted)[0]["text"].startswith("Counted: your note #1 is Finland's answer")
    assert "Finland: *submitted*" in status_of(spring, "Finland")


def test_no_offer_when_no_round_asks_the_country(spring: LocalWorkspace) -> None:
    note = spring.command(BULGARIAN, "/update Sofia hosted the national platform")
    assert note.ack_text == "Your note for Bulgaria is posted (#1)."
    assert buttons(note) == {}


def test_another_countrys_partner_cannot_count_a_note(spring: LocalWorkspace) -> None:
    value = buttons(spring.command(PORTUGUESE, "/update Lisbon workshop held"))[ids.NOTE_COUNT]
    refused = spring.click(FINNISH, ids.NOTE_COUNT, value)
    (reply,) = replies(refused)
    assert reply["text"] == "Only members for PT and coordinators can post or edit its updates."
    assert "Portugal: *missing*" in status_of(spring, "Portugal")


def test_a_round_closed_before_the_click_is_said_so(spring: LocalWorkspace) -> None:
    value = buttons(spring.command(PORTUGUESE, "/update Lisbon workshop held"))[ids.NOTE_COUNT]
    closing = spring.command(COORDINATOR, "/round close 2")
    press(spring, COORDINATOR, closing, ids.ROUND_CLOSE_CONFIRM)
    (reply,) = replies(spring.click(PORTUGUESE, ids.NOTE_COUNT, value))
    assert reply["text"] == "The round “Spring call” is closed."


def test_only_a_note_can_be_counted(spring: LocalWorkspace) -> None:
    view = next(
        c.response["view"]
        for c in spring.command(PORTUGUESE, "/update").calls
        if c.method == "views.open"
    )
    values = LocalWorkspace.fill(view, {"update_needs": "Templates"}, {ids.UPDATE_ROUND: "none"})
    spring.submit_view(PORTUGUESE, view, values)
    (free,) = spring.app_services_updates().recent(limit=1)
    (reply,) = replies(
        spring.click(PORTUGUESE, ids.NOTE_COUNT, json.dumps({"update": free.id, "round": 2}))
    )
    assert reply["text"] == "Only a quick note can be counted this way."


def counts(workspace: LocalWorkspace) -> dict[str, int]:
    with workspace.database.read() as work:
        return {
            model.__tablename__: work.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (CountryUpdate, UpdateRevision, Round)
        }


GARBLED = [
    "", "x", "{}", "[]", "null", "2", "[" * 3000, '{"update": 2}', '{"round": 2}',
    '{"update": "one", "round": "2"}', '{"update": 99999999999, "round": 2}',
    '{"update": 1, "round": 99}', '{"update": 1, "round": 1}', '{"update": true, "round": 2}',
    '{"update": -1, "round": 2}', '{"update": 1.0, "round": 2}',
]  # fmt: skip


@pytest.mark.parametrize("value", GARBLED)
@pytest.mark.parametrize("who", [PORTUGUESE, STRANGER])
def test_a_garbled_or_stale_button_gets_a_reply_and_changes_nothing(
    spring: LocalWorkspace, value: str, who: str
) -> None:
    spring.command(PORTUGUESE, "/update Lisbon workshop held")
    before = counts(spring)
    with logged_errors() as errors:
        clicked = spring.click(who, ids.NOTE_COUNT, value)
    assert clicked.status == 200
    assert [r.getMessage() for r in errors] == []
    assert counts(spring) == before
    assert "Portugal: *missing*" in status_of(spring, "Portugal")
    said = [str(r.get("text")) for r in replies(clicked)] + [clicked.ack_text]
    assert any(said), clicked
