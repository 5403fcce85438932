"""Every slash command the bot answers, with one example each and who may use it: the source of
`help` (short, by topic, the usage an error shows) and of the role check at the door
(`access.py`), checked against manifest.yml by the tests so the three never drift apart."""

from __future__ import annotations

from bot.core.catalogue import actions, consortium, meetings, rounds, updates
from bot.core.catalogue.model import (
    ACTION_COMMAND,
    COMMAND_TOPICS,
    CONSORTIUM_COMMAND,
    DIGEST_COMMAND,
    MEETING_COMMAND,
    ROUND_COMMAND,
    TOPICS,
    UPDATE_COMMAND,
    CommandHelp,
)
from scheduling.errors import FieldError
from scheduling.language.words import split_words, straighten_quotes

__all__ = [
    "ACTION_COMMAND",
    "COMMANDS",
    "COMMAND_TOPICS",
    "CONSORTIUM_COMMAND",
    "DIGEST_COMMAND",
    "MEETING_COMMAND",
    "ROUND_COMMAND",
    "TOPICS",
    "UPDATE_COMMAND",
    "CommandHelp",
    "entry_for",
    "slash_commands",
    "subcommands",
    "usage_entry",
]

# Help lists the commands in this order, and each command's entries in its module's order.
COMMANDS: tuple[CommandHelp, ...] = (
    *consortium.ENTRIES,
    *meetings.ENTRIES,
    *actions.ENTRIES,
    *updates.ENTRIES,
    *rounds.ENTRIES,
)


def entry_for(command: str, text: str) -> CommandHelp | None:
    """The catalogue entry a command line selects by its first word, if one names it."""
    # The door reads the first word as the grammars do, quotes of any kind and all.
    try:
        words = [str(word) for word in split_words(text)]
    except FieldError:
        words = straighten_quotes(text).replace('"', " ").split()
    first = words[0].strip("'").lower() if words else ""
    return next((c for c in COMMANDS if c.command == command and first in c.words), None)


def slash_commands() -> list[str]:
    """The distinct slash commands, in the order help lists them."""
    return list(dict.fromkeys(entry.command for entry in COMMANDS))


def subcommands(command: str) -> list[str]:
    """The words a command takes first (`next`, `who`, …), in catalogue order."""
    words = dict.fromkeys(e.subcommand for e in COMMANDS if e.command == command)
    return [word for word in words if word]


def usage_entry(command: str, subcommand: str) -> CommandHelp | None:
    """The catalogue entry of `/command subcommand`, whose usage an error about it shows;
    `subcommand` may also be the placeholder its usage has there (`<text>`)."""
    word = subcommand.lower()
    return next(
        (
            e
            for e in COMMANDS
            if e.command == command and (e.subcommand == word or e.usage.split()[1:2] == [word])
        ),
        None,
    )
