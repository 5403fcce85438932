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
    MEMBER_WORD,
    ROUND_COMMAND,
    SLACK_USER_ID,
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
    """The catalogue entry a command line selects by its first words, if one names it: the
    entry whose phrase matches the most words (`subscribe reset shared` over `subscribe`)."""
    # The door reads the words as the grammars do, quotes of any kind and all.
    try:
        words = [str(word) for word in split_words(text)]
    except FieldError:
        words = straighten_quotes(text).replace('"', " ").split()
    said = [word.strip("'").lower() for word in words] or [""]
    best: tuple[int, CommandHelp] | None = None
    for entry in COMMANDS:
        if entry.command != command:
            continue
        for phrase in entry.words:
            parts = phrase.split(" ")
            if _phrase_matches(parts, said) and (best is None or len(parts) > best[0]):
                best = (len(parts), entry)
    return best[1] if best else None


def _phrase_matches(parts: list[str], said: list[str]) -> bool:
    """Whether a catalogue phrase's words begin the words said; `@` stands for a member (a
    mention, `@name`, or a Slack user ID)."""
    if len(said) < len(parts):
        return False
    return all(
        _names_member(word) if part == MEMBER_WORD else word == part
        for part, word in zip(parts, said, strict=False)
    )


def _names_member(word: str) -> bool:
    return word.startswith(("<@", "@")) or bool(SLACK_USER_ID.fullmatch(word.upper()))


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
