"""Help that fits on a screen, and errors that show only what they are about: `/consortium
help` is the few commands used most, by role; `/consortium help <topic>` every command of a
topic; a mistyped command shows the usage of that one command, or (an unknown subcommand)
did-you-mean and the command's subcommand words. All through signed slash commands."""

from __future__ import annotations

import json

import pytest

from bot.core.blocks import MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT
from bot.core.catalogue import COMMANDS, TOPICS, CommandHelp, usage_entry
from bot.local.render import render_message
from bot.local.workspace import Exchange, LocalWorkspace

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"


def shown(exchange: Exchange) -> str:
    assert exchange.status == 200 and isinstance(exchange.ack, dict), exchange.ack
    return render_message(exchange.ack_text, exchange.ack.get("blocks"))


def blocks(exchange: Exchange) -> list[dict[str, object]]:
    assert isinstance(exchange.ack, dict)
    found = exchange.ack.get("blocks") or []
    assert isinstance(found, list)
    return found


def entry(command: str, subcommand: str) -> CommandHelp:
    found = usage_entry(command, subcommand)
    assert found is not None
    return found


def test_the_main_help_fits_on_a_screen(workspace: LocalWorkspace) -> None:
    exchange = workspace.command(COORDINATOR, "/consortium help")
    text = shown(exchange)
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) <= 15, text
    assert len(blocks(exchange)) <= 5
    assert len(exchange.ack_text) <= 300
    assert exchange.ack_text.startswith("CapaCITIES bot: /meeting next")
    for title in ("*Everyone*", "*Coordinators*"):
        assert title in text
    assert "`/meeting next`" in text and "`/update`" in text
    assert "`/consortium subscribe`" in text and "`/consortium remind me dm`" in text
    for topic in TOPICS:
        assert f"help {topic}`" in text
    # Only the few: no full usage of a rarely used command.
    assert "/meeting edit" not in text and "/round export" not in text


def test_a_partner_sees_no_coordinators_commands_in_the_main_help(
    workspace: LocalWorkspace,
) -> None:
    text = shown(workspace.command(PORTUGUESE, "/consortium help"))
    assert "*Coordinators*" not in text
    assert "/meeting schedule" not in text and "/round open" not in text
    assert "help admin" not in text  # coordinators' commands only
    assert "`/meeting next`" in text


@pytest.mark.parametrize("topic", list(TOPICS))
def test_each_topic_lists_its_commands_in_full_within_slacks_limits(
    workspace: LocalWorkspace, topic: str
) -> None:
    exchange = workspace.command(COORDINATOR, f"/consortium help {topic}")
    text = shown(exchange)
    mine = [e for e in COMMANDS if e.topic == topic]
    assert mine
    for one in COMMANDS:
        if one.topic == topic:
            assert one.usage in text and one.summary in text and one.example in text
        else:
            assert f"`{one.usage}`" not in text
    assert len(blocks(exchange)) <= MAX_MESSAGE_BLOCKS
    for block in blocks(exchange):
        section_text = block.get("text")
        if isinstance(section_text, dict):
            assert len(str(section_text["text"])) <= MAX_SECTION_TEXT
    assert exchange.ack_text.startswith(TOPICS[topic])
    assert len(exchange.ack_text) <= 300


@pytest.mark.parametrize(
    ("line", "topic"),
    [
        ("/consortium help meeting", "meetings"),
        ("/consortium help /round", "rounds"),
        ("/consortium help Updates", "updates"),
        ("/meeting help", "meetings"),
        ("/round help", "rounds"),
        ("/update help", "updates"),
        ("/digest help", "updates"),
    ],
)
def test_a_topic_by_another_name_and_each_commands_own_help(
    workspace: LocalWorkspace, line: str, topic: str
) -> None:
    assert workspace.command(COORDINATOR, line).ack_text.startswith(TOPICS[topic])


def test_a_mistyped_topic_gets_a_did_you_mean(workspace: LocalWorkspace) -> None:
    text = shown(workspace.command(COORDINATOR, "/consortium help meetngs"))
    assert "Did you mean `/consortium help meetings`?" in text
    assert "meetings, updates, rounds, actions, settings, admin" in text


@pytest.mark.parametrize(
    ("line", "command", "subcommand"),
    [
        ("/meeting move 1 7 March", "/meeting", "move"),
        ("/meeting move x 7 March to 8 March", "/meeting", "move"),
        ('/meeting move 1 "7 March', "/meeting", "move"),
        ("/meeting cancel x", "/meeting", "cancel"),
        ("/meeting who", "/meeting", "who"),
        ("/meeting next al", "/meeting", "next"),
        ("/meeting list x", "/meeting", "list"),
        ("/meeting invite 1 2", "/meeting", "invite"),
        ("/meeting edit 1 title", "/meeting", "edit"),
        ('/meeting schedule webnar "W" tomorrow at 10:00', "/meeting", "schedule"),
        ("/round open x", "/round", "open"),
        ('/round open "x" due', "/round", "open"),
        ("/round export 1 2 docs", "/round", "export"),
    ],
)
def test_an_error_shows_the_usage_of_its_own_command_only(
    workspace: LocalWorkspace, line: str, command: str, subcommand: str
) -> None:
    own = entry(command, subcommand)
    text = shown(workspace.command(COORDINATOR, line))
    assert f"*Usage:* `{own.usage}`" in text
    assert f"*Example:* `{own.example}`" in text
    # No other usage (a reason may name a bare command, as in "see `/meeting list`").
    others = [e for e in COMMANDS if e is not own and len(e.usage.split()) > 2]
    assert [e.usage for e in others if f"`{e.usage}`" in text] == []
    assert text.count("Usage:") == 1


def test_a_bad_move_shows_the_move_usage_and_not_the_schedule_usage(
    workspace: LocalWorkspace,
) -> None:
    exchange = workspace.command(COORDINATOR, "/meeting move 1 7 March")
    assert "/meeting move <id> DATE to DATE [at TIME]" in shown(exchange)
    assert "/meeting schedule" not in json.dumps(exchange.ack)


def test_a_note_that_cannot_be_posted_shows_the_note_usage(workspace: LocalWorkspace) -> None:
    text = shown(workspace.command(PORTUGUESE, "/update FI: the platform went live"))
    assert "You can post only for PT, not FI." in text
    assert f"*Usage:* `{entry('/update', '<text>').usage}`" in text
    assert "/update list" not in text


@pytest.mark.parametrize(
    ("line", "meant", "words", "topic"),
    [
        (
            "/meeting shedule weekly",
            "/meeting schedule",
            "`who` · `propose` · `agenda`",
            "meetings",
        ),
        ("/round opne", "/round open", "`status` · `open` · `remind`", "rounds"),
        ("/digest previw", "/digest preview", "`preview` · `now`", "updates"),
        ("/consortium whoamy", "/consortium whoami", "`help` · `whoami`", "settings"),
    ],
)
def test_an_unknown_subcommand_gets_did_you_mean_the_words_and_its_topic(
    workspace: LocalWorkspace, line: str, meant: str, words: str, topic: str
) -> None:
    exchange = workspace.command(COORDINATOR, line)
    text = shown(exchange)
    assert f"Did you mean `{meant}`?" in text
    assert words in text
    assert f"`/consortium help {topic}`" in text
    # The words, not every usage of the command.
    assert "Usage" not in text and "<id>" not in text and "[" not in text
    assert exchange.calls == []
