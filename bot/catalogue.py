"""Every slash command the bot answers, with one example each: the source of `help`,
and checked against manifest.yml by the tests so the two never drift apart."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandHelp:
    command: str
    usage: str
    summary: str
    example: str
    coordinators_only: bool = False


CONSORTIUM_COMMAND = "/consortium"

COMMANDS: tuple[CommandHelp, ...] = (
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium help",
        "List every command with an example.",
        "/consortium help",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium whoami",
        "Show the country, roles and time zone the consortium has for you.",
        "/consortium whoami",
    ),
)


def slash_commands() -> list[str]:
    """The distinct slash commands, in the order help lists them."""
    return list(dict.fromkeys(entry.command for entry in COMMANDS))
