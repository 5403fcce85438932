"""Country updates and rounds end to end: the form, edits, notes, rounds and their DMs,
exports, and who may do what."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core import ids
from bot.core.mrkdwn import unescape
from bot.local.render import render_message
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.updates.service import SECTIONS
from tests.support import assert_pings_nobody, press

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
FINNISH = "U0FI"
STRANGER = "U0NOBODY"
ANNOUNCEMENTS = "C0ANNOUNCE"
NASTY = "Done <!channel> & <!here> <@U0COORD1> <https://evil.example|click> <!subteam^S1>"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2025, 10, 6, 9, 0, tzinfo=UTC))


def _opened_view(exchange: Exchange) -> dict[str, Any]:
    (call,) = [c for c in exchange.calls if c.method == "views.open"]
    assert call.response["ok"] is True, call.response
    view: dict[str, Any] = call.response["view"]
    return view


def _values(
    view: dict[str, Any], texts: dict[str, str], round_value: str | None = None
) -> dict[str, Any]:
    """Slack's view.state.values for the form Slack shows, filled in as a person would."""
    by_block = {f"update_{name}": text for name, text in texts.items()}
    choices = {ids.UPDATE_ROUND: round_value} if round_value is not None else None
    return LocalWorkspace.fill(view, by_block, choices)


def _posted(exchange: Exchange, method: str = "chat.postMessage") -> list[dict[str, Any]]:
    return [c.params for c in exchange.calls if c.method == method]


def test_the_form_end_to_end_stores_exactly_and_posts_an_escaped_card(
    workspace: LocalWorkspace,
) -> None:
    view = _opened_view(workspace.command(PORTUGUESE, "/update"))
    assert view["blocks"][0]["type"] == "context"  # one country: no picker
    for block in view["blocks"]:
        if block["type"] == "input" and block["element"]["type"] == "plain_text_input":
            assert block["element"]["max_length"] == 3000
    submitted = workspace.submit_view(
        PORTUGUESE,
        view,
        _values(view, {"achievements": NASTY, "needs": "Peer learning on financing"}),
    )
    assert submitted.ack["response_action"] == "update"  # type: ignore[index]
    (card,) = _posted(submitted)
    assert card["channel"] == ANNOUNCEMENTS
    assert_pings_nobody(card)
    shown = render_message(card["text"], card["blocks"])
    assert NASTY in shown
    assert "🇵🇹 *Portugal*" in shown
    (stored,) = workspace.app_services_updates().recent(limit=5)
    assert stored.fields["achievements"] == NASTY
    assert stored.posted_ts == card_ts(submitted)


def card_ts(exchange: Exchange) -> str:
    (call,) = [c for c in exchange.calls if c.method == "chat.postMessage"]
    return str(call.response["ts"])


def test_editing_keeps_history_and_updates_the_card_in_place(workspace: LocalWorkspace) -> None:
    view = _opened_view(workspace.command(PORTUGUESE, "/update"))
    first = workspace.submit_view(
        PORTUGUESE, view, _values(view, {"achievements": "Platform live"})
    )
    mine = workspace.command(PORTUGUESE, "/update mine")
    buttons = [b["accessory"] for b in mine.ack["blocks"] if b.get("accessory")]  # type: ignore[index]
    assert buttons and buttons[0]["action_id"] == ids.UPDATE_EDIT
    edit_view = _opened_view(workspace.click(PORTUGUESE, ids.UPDATE_EDIT, buttons[0]["value"]))
    achievements = next(
        b for b in edit_view["blocks"] if b.get("block_id") == "update_achievements"
    )
    assert achievements["element"]["initial_value"] == "Platform live"
    saved = workspace.submit_view(
        PORTUGUESE, edit_view, _values(edit_view, {"achievements": "Platform live in 3 regions"})
    )
    (update_call,) = _posted(saved, "chat.update")
    assert update_call["ts"] == card_ts(first)
    history = workspace.app_services_updates().history(int(buttons[0]["value"]))
    assert history == [
        (
            PORTUGUESE,
            workspace.clock.now(),
            {"achievements": ["Platform live", "Platform live in 3 regions"]},
        )
    ]


def test_a_save_made_after_someone_else_edited_is_refused_and_the_text_kept(
    workspace: LocalWorkspace,
) -> None:
    workspace.command(PORTUGUESE, "/update Platform live")
    (update,) = workspace.app_services_updates().recent(limit=1)
    first_form = _opened_view(workspace.click(PORTUGUESE, ids.UPDATE_EDIT, str(update.id)))
    second_form = _opened_view(workspace.click(COORDINATOR, ids.UPDATE_EDIT, str(update.id)))
    saved = workspace.submit_view(
        COORDINATOR, second_form, _values(second_form, {"note": "Platform live in 3 regions"})
    )
    assert isinstance(saved.ack, dict) and saved.ack["response_action"] == "update"
    late = workspace.submit_view(
        PORTUGUESE, first_form, _values(first_form, {"note": "Platform live in Lisbon"})
    )
    assert isinstance(late.ack, dict) and late.ack["response_action"] == "errors"
    (message,) = late.ack["errors"].values()
    assert message.startswith("Coordinator (FFG) changed this update at ")
    assert "your change was not saved" in message
    history = workspace.app_services_updates().history(update.id)
    assert [changes for _, _, changes in history] == [
        {"note": ["Platform live", "Platform live in 3 regions"]}
    ]


def test_long_texts_are_kept_whole_and_the_card_offers_show_all(workspace: LocalWorkspace) -> None:
    long_text = ("R&D <budget> " * 300)[:2990]
    view = _opened_view(workspace.command(PORTUGUESE, "/update"))
    texts = {name: long_text for name in SECTIONS}
    posted = workspace.submit_view(PORTUGUESE, view, _values(view, texts))
    (card,) = _posted(posted)
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in card["blocks"])
    buttons = [e for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [ids.UPDATE_SHOW_ALL]
    full = _opened_view(workspace.click(FINNISH, ids.UPDATE_SHOW_ALL, buttons[0]["value"]))
    texts = [b["text"]["text"] for b in full["blocks"] if b["type"] == "section"]
    achievements = texts.index("*Achievements*")
    challenges = texts.index("*Challenges*")
    whole = unescape("".join(texts[achievements + 1 : challenges]))
    assert whole == long_text.strip()
    (stored,) = workspace.app_services_updates().recent(limit=1)
    assert stored.fields["challenges"] == long_text


def test_a_quick_note_and_a_coordinator_posting_for_another_country(
    workspace: LocalWorkspace,
) -> None:
    note = workspace.command(PORTUGUESE, "/update the mission platform went live")
    assert note.ack_text.startswith("Your note for Portugal is posted")
    (card,) = _posted(note)
    assert "the mission platform went live" in card["text"]
    on_behalf = workspace.command(COORDINATOR, "/update FI: Finland's ministry joined the alliance")
    assert on_behalf.ack_text.startswith("Your note for Finland is posted")
    refused = workspace.command(FINNISH, "/update PT: not mine to say")
    assert refused.ack_text.startswith("You can post only for FI, not PT.")
    assert refused.calls == []


def test_a_partner_cannot_edit_another_countrys_update(workspace: LocalWorkspace) -> None:
    workspace.command(PORTUGUESE, "/update hello from Lisbon")
    (update,) = workspace.app_services_updates().recent(limit=1)
    clicked = workspace.click(FINNISH, ids.UPDATE_EDIT, str(update.id))
    assert not [c for c in clicked.calls if c.method == "views.open"]
    (reply,) = [c for c in clicked.calls if c.method == "response_url"]
    assert (
        reply.params["text"] == "Only members for Portugal and coordinators can edit its updates."
    )


def test_a_round_asks_partners_by_dm_and_tracks_who_answered(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    opened = workspace.command(
        COORDINATOR, '/round open "Action Plan 2026" due 2025-10-20 for PT FI TR'
    )
    assert opened.ack_text.startswith(
        "Opened round #2 “Action Plan 2026”, due Mon 20 Oct 2025; asking 3 countries"
    )
    dms = _posted(opened)
    assert sorted(d["channel"] for d in dms) == ["U0FI", "U0PT", "U0TR"]
    button = next(e for b in dms[0]["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert button["action_id"] == ids.ROUND_SUBMIT
    pt_button = next(
        e["value"]
        for d in dms
        if d["channel"] == PORTUGUESE
        for b in d["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    )
    view = _opened_view(workspace.click(PORTUGUESE, ids.ROUND_SUBMIT, pt_button))
    round_select = next(b for b in view["blocks"] if b.get("block_id") == ids.UPDATE_ROUND)
    assert round_select["element"]["initial_option"]["value"] == "2"
    workspace.submit_view(PORTUGUESE, view, _values(view, {"achievements": "On time"}))
    clock.advance(timedelta(days=20))
    workspace.command(FINNISH, "/update list")  # a member may look
    late_view = _opened_view(workspace.command(FINNISH, "/update"))
    workspace.submit_view(
        FINNISH, late_view, _values(late_view, {"challenges": "Late but here"}, round_value="2")
    )
    status = workspace.command(FINNISH, "/round status")
    shown = render_message(status.ack_text, status.ack["blocks"])  # type: ignore[index]
    assert "Portugal: *submitted* 2025-10-06" in shown
    assert "Finland: *late* 2025-10-26" in shown
    assert "Türkiye: *missing, overdue*" in shown
    asked = workspace.command(COORDINATOR, "/round remind")  # two rounds are open
    assert asked.ack_text.startswith("2 rounds are open: which one do you want to remind?")
    assert _posted(asked) == []
    clock.advance(timedelta(days=1))  # Monday 27 October: a working day in Türkiye
    remind = press(workspace, COORDINATOR, asked, ids.ROUND_PICK, '"r": 2')
    (reply,) = [c for c in remind.calls if c.method == "response_url"]
    assert reply.params["text"] == "Reminding 1 country of “Action Plan 2026”: TR."
    assert [d["channel"] for d in _posted(remind)] == ["U0TR"]
    asked = workspace.command(COORDINATOR, "/round close 2")
    assert asked.ack_text.startswith("Close round #2 “Action Plan 2026”?")
    closed = press(workspace, COORDINATOR, asked, ids.ROUND_CLOSE_CONFIRM)
    (reply,) = [c for c in closed.calls if c.method == "response_url"]
    assert reply.params["text"] == "Closed round #2 “Action Plan 2026”."


def test_round_export_arrives_as_a_file_in_the_callers_dm(workspace: LocalWorkspace) -> None:
    workspace.command(COORDINATOR, '/round open "Action Plan 2026" due 2025-10-20 for PT')
    view = _opened_view(workspace.command(PORTUGUESE, "/update"))
    workspace.submit_view(
        PORTUGUESE,
        view,
        _values(view, {"achievements": "Ministry on board", "needs": "Templates"}, round_value="2"),
    )
    exchange = workspace.command(COORDINATOR, "/round export 2 md")
    assert "arrives in your DM" in exchange.ack_text
    assert [c.method for c in exchange.calls][:1] == ["conversations.open"]
    (uploaded,) = [f for f in workspace.emulator.files() if f.filename.endswith(".md")]
    report = uploaded.content.decode()
    assert report.startswith("# Action Plan 2026\n")
    assert "| Portugal (PT) | submitted | 2025-10-06 | 1 |" in report
    assert "## Achievements\n\n### Portugal\n\nMinistry on board" in report


# -- who may do what ------------------------------------------------------------------------------

WHO = {
    "coordinator": COORDINATOR,
    "own partner": PORTUGUESE,
    "other partner": FINNISH,
    "stranger": STRANGER,
}
STRANGER_REPLY = "You are not in the CapaCITIES member list yet"
COORDINATORS_ONLY = "Only coordinators can"

TABLE = [
    ("/update", {"coordinator": "views.open", "own partner": "views.open", "other partner": "views.open", "stranger": STRANGER_REPLY}),
    ("/update a note", {"coordinator": "Your note for Austria", "own partner": "Your note for Portugal", "other partner": "Your note for Finland", "stranger": STRANGER_REPLY}),
    ("/update list", {"coordinator": "Recent updates", "own partner": "Recent updates", "other partner": "Recent updates", "stranger": STRANGER_REPLY}),
    ("/update mine", {"coordinator": "Your updates", "own partner": "Your updates", "other partner": "Your updates", "stranger": STRANGER_REPLY}),
    ("edit PT update", {"coordinator": "views.open", "own partner": "views.open", "other partner": "Only members for Portugal", "stranger": STRANGER_REPLY}),
    ('/round open "R" due 2025-12-02', {"coordinator": "Opened round", "own partner": COORDINATORS_ONLY, "other partner": COORDINATORS_ONLY, "stranger": STRANGER_REPLY}),
    ("/round status 1", {"coordinator": "Annual Action Plan update 2024", "own partner": "Annual Action Plan update 2024", "other partner": "Annual Action Plan update 2024", "stranger": STRANGER_REPLY}),
    ("/round remind 1", {"coordinator": "Reminding", "own partner": COORDINATORS_ONLY, "other partner": COORDINATORS_ONLY, "stranger": STRANGER_REPLY}),
    ("/round export 1", {"coordinator": "Preparing the md export", "own partner": COORDINATORS_ONLY, "other partner": COORDINATORS_ONLY, "stranger": STRANGER_REPLY}),
    ("/round close 1", {"coordinator": "Close round #1", "own partner": COORDINATORS_ONLY, "other partner": COORDINATORS_ONLY, "stranger": STRANGER_REPLY}),
]  # fmt: skip


@pytest.mark.parametrize(("action", "who"), [(a, w) for a, _ in TABLE for w in WHO])
def test_authorisation_table(workspace: LocalWorkspace, action: str, who: str) -> None:
    expected = dict(TABLE)[action][who]
    user = WHO[who]
    if action == "edit PT update":
        workspace.command(PORTUGUESE, "/update from Lisbon")
        (update,) = workspace.app_services_updates().recent(limit=1)
        exchange = workspace.click(user, ids.UPDATE_EDIT, str(update.id))
    else:
        exchange = workspace.command(user, action)
    seen = [exchange.ack_text] + [c.method for c in exchange.calls]
    seen += [
        str(c.params.get("text", ""))
        for c in exchange.calls
        if c.method in ("response_url", "chat.postEphemeral")
    ]
    if isinstance(exchange.ack, dict) and exchange.ack.get("blocks"):
        seen.append(render_message("", exchange.ack["blocks"]))
    assert any(expected in item for item in seen), (action, who, seen)
    if expected in (STRANGER_REPLY, COORDINATORS_ONLY) or expected.startswith("Only members"):
        assert not [
            c
            for c in exchange.calls
            if c.method in ("chat.postMessage", "views.open", "files.completeUploadExternal")
        ]


def test_json_escape_in_dm_buttons_is_valid(workspace: LocalWorkspace) -> None:
    opened = workspace.command(
        COORDINATOR, '/round open "R" due 2025-12-02 for PT'
    )  # 1 Dec is a PT holiday
    (dm,) = _posted(opened)
    value = next(e["value"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert json.loads(value) == {"round": 2, "country": "PT"}
    assert re.search(r"R: please post the update for Portugal by Tue 2 Dec 2025", dm["text"])


def test_regression_a_crash_in_the_form_keeps_it_open_with_the_text(
    workspace: LocalWorkspace,
) -> None:
    view = _opened_view(workspace.command(PORTUGUESE, "/update"))
    workspace.database.dispose()
    with workspace.database.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE update_revisions")
        connection.exec_driver_sql("DROP TABLE updates")
    failed = workspace.submit_view(PORTUGUESE, view, _values(view, {"achievements": "Kept"}))
    assert isinstance(failed.ack, dict)
    assert failed.ack["response_action"] == "errors"
    (message,) = failed.ack["errors"].values()
    assert "Your text is still here" in message


def test_regression_note_only_updates_can_be_edited(workspace: LocalWorkspace) -> None:
    workspace.command(PORTUGUESE, "/update just a note")
    (update,) = workspace.app_services_updates().recent(limit=1)
    view = _opened_view(workspace.click(PORTUGUESE, ids.UPDATE_EDIT, str(update.id)))
    saved = workspace.submit_view(PORTUGUESE, view, _values(view, {"note": "just a better note"}))
    assert saved.ack["response_action"] == "update"  # type: ignore[index]
    assert workspace.app_services_updates().get(update.id).fields["note"] == "just a better note"


def test_regression_reminding_a_closed_round_is_refused(workspace: LocalWorkspace) -> None:
    press(
        workspace,
        COORDINATOR,
        workspace.command(COORDINATOR, "/round close 1"),
        ids.ROUND_CLOSE_CONFIRM,
    )
    refused = workspace.command(COORDINATOR, "/round remind 1")
    assert refused.ack_text.endswith("is closed; there is nobody to remind.")
    assert refused.calls == []


def test_regression_a_strange_round_reference_is_answered_not_crashed(
    workspace: LocalWorkspace,
) -> None:
    assert "There is no round '²'" in workspace.command(FINNISH, "/round status ²").ack_text
    clicked = workspace.click(FINNISH, ids.UPDATE_SHOW_ALL, "not-a-number")
    (reply,) = [c for c in clicked.calls if c.method == "response_url"]
    assert "no longer works" in reply.params["text"]


def test_update_list_by_country_name_and_by_round_even_when_closed(
    workspace: LocalWorkspace,
) -> None:
    workspace.command(COORDINATOR, '/round open "Autumn" due 2025-10-20 for PT')
    view = _opened_view(workspace.command(PORTUGUESE, "/update"))
    workspace.submit_view(
        PORTUGUESE, view, _values(view, {"achievements": "In the round"}, round_value="2")
    )
    workspace.command(PORTUGUESE, "/update outside any round")
    press(
        workspace,
        COORDINATOR,
        workspace.command(COORDINATOR, "/round close 2"),
        ids.ROUND_CLOSE_CONFIRM,
    )
    by_round = workspace.command(FINNISH, "/update list Autumn")
    assert by_round.ack_text.startswith("Updates for Autumn: Portugal #1: In the round")
    by_name = workspace.command(FINNISH, "/update list portugal")
    assert by_name.ack_text.startswith("Updates from Portugal: Portugal #2")
    unknown = workspace.command(FINNISH, "/update list Atlantis")
    assert unknown.ack_text.startswith(
        "'Atlantis' is neither a country (name or code, e.g. Portugal"
    )
