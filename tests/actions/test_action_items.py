"""`/action add | list | done` and the Done button: who may give and close an item, typos and
escaping, and the item carried onto its country's Home tab."""

from __future__ import annotations

import re

from bot.core import ids
from bot.local.render import render_view
from bot.local.workspace import LocalWorkspace
from tests.support import buttons_in

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
BULGARIAN = "U0BG"
FINNISH = "U0FI"


def item_number(text: str) -> int:
    found = re.search(r"action #(\d+)", text)
    assert found, text
    return int(found[1])


def home(workspace: LocalWorkspace, user: str) -> tuple[str, list[tuple[str, str]]]:
    exchange = workspace.open_home(user)
    (params,) = [c.params for c in exchange.calls if c.method == "views.publish"]
    return render_view(params["view"], tz="Europe/Vienna"), buttons_in(params["view"]["blocks"])


def test_a_partner_gives_their_country_an_action_and_lists_it_with_its_due_date(
    workspace: LocalWorkspace,
) -> None:
    added = workspace.command(
        PORTUGUESE, '/action add PT "Send the national roadmap draft" due 19 Jan for meeting 1'
    )
    assert "Added action #1: Send the national roadmap draft" in added.ack_text
    listed = workspace.command(PORTUGUESE, "/action list")
    assert "Open actions, yours and your country's: 1" in listed.ack_text
    blocks = str(listed.ack)
    assert "due Fri 19 Jan" in blocks and "from meeting #1" in blocks
    assert (ids.ACTION_DONE, "1") in buttons_in(listed.ack["blocks"])  # type: ignore[index]
    # Another country's list does not show it; the coordinator sees it by country.
    assert "No open actions" in workspace.command(BULGARIAN, "/action list").ack_text
    by_country = workspace.command(COORDINATOR, "/action list portugal")
    assert "Open actions, Portugal's: 1" in by_country.ack_text


def test_overdue_items_say_so_in_words(workspace: LocalWorkspace) -> None:
    workspace.command(COORDINATOR, '/action add FI "Report the survey" due 2023-12-20')
    listed = workspace.command(FINNISH, "/action list mine")
    assert "overdue by 13 days (due Wed 20 Dec 2023)" in str(listed.ack)


def test_who_may_give_an_action(workspace: LocalWorkspace) -> None:
    other = workspace.command(PORTUGUESE, '/action add BG "Translate the leaflet"')
    assert "Only coordinators and Bulgaria's members can give Bulgaria an action." in other.ack_text
    someone = workspace.command(PORTUGUESE, '/action add <@U0BG|bulgarian> "Call me"')
    assert "Only coordinators can give actions to others" in someone.ack_text
    themselves = workspace.command(PORTUGUESE, '/action add <@U0PT|me> "Book the room"')
    assert "Added action #1" in themselves.ack_text
    given = workspace.command(COORDINATOR, '/action add <@U0BG|bulgarian> "Translate it"')
    assert "Added action #2" in given.ack_text and "<@U0BG>" in str(given.ack)


def test_typos_are_named_with_what_was_meant(workspace: LocalWorkspace) -> None:
    assert (
        "Did you mean `/action add`?" in workspace.command(PORTUGUESE, "/action ad PT x").ack_text
    )
    country = workspace.command(COORDINATOR, '/action add Portgual "Send it"')
    assert "'Portgual' is not one of the consortium's countries (did you mean 'Portugal'" in (
        country.ack_text
    )
    due = workspace.command(PORTUGUESE, '/action add PT "Send it" due 31 Feb')
    assert "has no day 31" in due.ack_text and "Usage: /action add" in due.ack_text
    quote = workspace.command(PORTUGUESE, '/action add PT "Send it')
    assert "closing quote is missing" in quote.ack_text
    done = workspace.command(PORTUGUESE, "/action done three")
    assert "say the number of the action" in done.ack_text
    missing = workspace.command(PORTUGUESE, "/action done 99")
    assert "there is no action #99" in missing.ack_text


def test_what_people_type_is_escaped(workspace: LocalWorkspace) -> None:
    workspace.command(PORTUGUESE, '/action add PT "Ask &lt;!channel&gt; &amp; <@U0BG> about it"')
    listed = workspace.command(PORTUGUESE, "/action list")
    (line,) = [
        b["text"]["text"]
        for b in listed.ack["blocks"]  # type: ignore[index]
        if b.get("block_id") == "action-1"
    ]
    assert "&lt;!channel&gt; &amp;" in line
    assert "<!channel>" not in line and "<@U0BG>" not in line


def test_done_by_command_with_a_note_and_by_button(workspace: LocalWorkspace) -> None:
    first = item_number(workspace.command(COORDINATOR, '/action add PT "One"').ack_text)
    second = item_number(workspace.command(COORDINATOR, '/action add PT "Two"').ack_text)
    refused = workspace.command(BULGARIAN, f"/action done {first}")
    assert "only coordinators and Portugal's members can close" in refused.ack_text
    closed = workspace.command(PORTUGUESE, f"/action done {first} sent on Friday")
    assert f"Action #{first} is done: One" in closed.ack_text
    assert "Note: sent on Friday" in str(closed.ack)
    assert "already done" in workspace.command(PORTUGUESE, f"/action done {first}").ack_text
    pressed = workspace.click(PORTUGUESE, ids.ACTION_DONE, str(second))
    assert any(f"Action #{second} is done" in str(c.params) for c in pressed.calls)
    assert "No open actions" in workspace.command(PORTUGUESE, "/action list").ack_text


def test_open_actions_are_carried_onto_the_countrys_home_tab_with_done(
    workspace: LocalWorkspace,
) -> None:
    for n in range(7):
        workspace.command(COORDINATOR, f'/action add PT "Task {n}" due in {n + 1} days')
    text, buttons = home(workspace, PORTUGUESE)
    assert "Your country's open actions" in text
    assert "Task 0" in text and "due tomorrow" in text
    assert "Task 6" not in text and "…and 2 more: `/action list`" in text
    assert (ids.ACTION_DONE, "1") in buttons
    workspace.click_on_home(PORTUGUESE, ids.ACTION_DONE, "1")
    text, _ = home(workspace, PORTUGUESE)
    assert "Task 0" not in text and "Task 5" in text
    bulgarian, _ = home(workspace, BULGARIAN)
    assert "Task 1" not in bulgarian and "None open." in bulgarian


def test_a_mistyped_subcommand_is_named_as_typed(workspace: LocalWorkspace) -> None:
    typo = workspace.command("U0PT", "/action lsit")
    assert "I don't know `/action lsit`. Did you mean `/action list`?" in typo.ack_text
