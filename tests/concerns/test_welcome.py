"""The welcome: a member's first contact (opening the Home tab, or writing to the bot) brings
one short DM saying who the bot is, who they are to it, three commands and their calendar
feeds; never a second one, however the contacts race; strangers are told whom to ask, every
time, and nothing is recorded for them; no bot's message is ever answered."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bot.local.render import render_message
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import load_consortium_file
from scheduling.consortium.importer import ImportReport, import_consortium
from storage.db import Database
from tests.conftest import SqliteTemplates
from tests.support import EXAMPLE_FILE, run_at_once

PORTUGUESE = "U0PT"
COORDINATOR = "U0COORD1"
STRANGER = "U0NEWCOMER"


def posts(exchange: Exchange) -> list[dict[str, Any]]:
    return [c.params for c in exchange.calls if c.method == "chat.postMessage"]


def welcomes(workspace: LocalWorkspace, user: str) -> list[str]:
    return [
        render_message(m.text, m.blocks)
        for m in workspace.emulator.messages(user)
        if m.text.startswith("Welcome")
    ]


def welcomed_at(workspace: LocalWorkspace, user: str) -> datetime | None:
    with workspace.database.read() as work:
        member = work.directory.member(user)
        assert member is not None
        return member.welcomed_at


def write(workspace: LocalWorkspace, sender: str, **extra: Any) -> Exchange:
    """`sender` writes to the bot in their DM with it (a `message.im` event)."""
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": f"D{sender}",
        "user": sender,
        "text": "hello",
        "ts": "1700000000.000100",
        **extra,
    }
    return workspace.event(event)


def test_the_first_home_tab_opening_welcomes_once(workspace: LocalWorkspace) -> None:
    first = workspace.open_home(PORTUGUESE)
    assert [p["channel"] for p in posts(first)] == [PORTUGUESE]
    shown = welcomes(workspace, PORTUGUESE)
    assert len(shown) == 1
    text = shown[0]
    assert "I am the CapaCITIES bot" in text
    assert "🇵🇹 Portugal" in text and "country partner" in text
    for command in ("`/meeting next`", "`/update`", "`/consortium subscribe`"):
        assert command in text
    assert "https://consortium.example.org/calendar/" in text
    assert welcomed_at(workspace, PORTUGUESE) == workspace.clock.now()

    again = workspace.open_home(PORTUGUESE)
    assert posts(again) == []
    assert [c.method for c in again.calls] == ["views.publish"]
    assert len(welcomes(workspace, PORTUGUESE)) == 1


def test_the_messages_tab_welcomes_nobody(workspace: LocalWorkspace) -> None:
    exchange = workspace.event({"type": "app_home_opened", "user": PORTUGUESE, "tab": "messages"})
    assert exchange.calls == []
    assert welcomed_at(workspace, PORTUGUESE) is None


def test_a_coordinator_starts_with_the_coordinators_commands(workspace: LocalWorkspace) -> None:
    workspace.open_home(COORDINATOR)
    (text,) = welcomes(workspace, COORDINATOR)
    assert "`/meeting next`" in text
    assert "`/meeting schedule" in text
    assert "`/round status`" in text


def test_the_first_message_to_the_bot_is_welcomed_and_later_ones_pointed_to_help(
    workspace: LocalWorkspace,
) -> None:
    first = write(workspace, PORTUGUESE)
    assert first.status == 200
    assert len(posts(first)) == 1
    assert posts(first)[0]["text"].startswith("Welcome to the CapaCITIES bot, Portuguese partner")
    second = write(workspace, PORTUGUESE)
    (pointer,) = posts(second)
    assert "/consortium help" in pointer["text"]
    assert not pointer["text"].startswith("Welcome")
    # Opening the Home tab afterwards welcomes no more.
    assert posts(workspace.open_home(PORTUGUESE)) == []


def test_racing_first_contacts_welcome_exactly_once(workspace: LocalWorkspace) -> None:
    contacts = [
        lambda: workspace.open_home(PORTUGUESE),
        lambda: write(workspace, PORTUGUESE),
        lambda: workspace.open_home(PORTUGUESE),
        lambda: write(workspace, PORTUGUESE),
    ]
    assert run_at_once(len(contacts), lambda n: contacts[n]()) == []
    workspace.executor.wait_idle()
    assert len(welcomes(workspace, PORTUGUESE)) == 1


def test_only_one_of_many_racing_first_contacts_is_the_first(
    database: Database, clock: FixedClock
) -> None:
    import_consortium(database, load_consortium_file(EXAMPLE_FILE), clock)
    directory = DirectoryService(database)
    firsts: list[bool] = []
    assert (
        run_at_once(8, lambda _: firsts.append(directory.first_contact(PORTUGUESE, clock.now())))
        == []
    )
    assert sorted(firsts) == [False] * 7 + [True]
    assert directory.first_contact(PORTUGUESE, clock.now()) is False
    assert directory.first_contact(STRANGER, clock.now()) is False  # no row: nothing recorded


def test_a_stranger_is_told_whom_to_ask_every_time_and_nothing_is_recorded(
    workspace: LocalWorkspace,
) -> None:
    for _ in range(2):
        (reply,) = posts(write(workspace, STRANGER))
        assert reply["channel"] == f"D{STRANGER}"
        assert reply["text"].startswith("You are not in the CapaCITIES member list yet")
    assert posts(workspace.open_home(STRANGER)) == []  # the Home tab itself says it
    with workspace.database.read() as work:
        assert work.directory.member(STRANGER) is None


def test_no_bot_message_and_no_edit_is_answered(workspace: LocalWorkspace) -> None:
    own = write(workspace, PORTUGUESE, bot_id="B0BOT", user="U0BOT")
    other_bot = write(workspace, PORTUGUESE, subtype="bot_message", bot_id="B0OTHER")
    edited = write(workspace, PORTUGUESE, subtype="message_changed")
    in_a_channel = write(workspace, PORTUGUESE, channel_type="channel", channel="C0ANNOUNCE")
    for exchange in (own, other_bot, edited, in_a_channel):
        assert exchange.status == 200
        assert exchange.calls == []
    assert welcomed_at(workspace, PORTUGUESE) is None


def test_a_welcome_slack_refused_is_tried_again_at_the_next_contact(
    workspace: LocalWorkspace,
) -> None:
    workspace.emulator.inject_fault("chat.postMessage", status=200, error="channel_not_found")
    workspace.open_home(PORTUGUESE)
    assert welcomes(workspace, PORTUGUESE) == []
    assert welcomed_at(workspace, PORTUGUESE) is None
    workspace.open_home(PORTUGUESE)
    assert len(welcomes(workspace, PORTUGUESE)) == 1


def test_without_a_public_url_the_welcome_points_to_subscribe(
    tmp_path: Path, sqlite_templates: SqliteTemplates, clock: FixedClock
) -> None:
    url = sqlite_templates.copy(tmp_path / "no-url.db", EXAMPLE_FILE, clock.now())
    spec = sqlite_templates.spec(EXAMPLE_FILE)
    with LocalWorkspace.on(
        Database.connect(url), spec, clock, ImportReport(), public_url=None
    ) as workspace:
        workspace.open_home(PORTUGUESE)
        (text,) = welcomes(workspace, PORTUGUESE)
    assert "/calendar/" not in text
    assert "`/consortium subscribe` gives your calendar feeds" in text
