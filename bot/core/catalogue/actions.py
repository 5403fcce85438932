"""The catalogue's entries for `/action`: action items."""

from __future__ import annotations

from bot.core.catalogue.model import ACTION_COMMAND, CommandHelp

ENTRIES: tuple[CommandHelp, ...] = (
    CommandHelp(
        ACTION_COMMAND,
        '/action add <country | @member> "<text>" [due DATE] [for meeting <id>]',
        "Give a country or a member something to do; members give actions to their own "
        "country or themselves, coordinators to anyone. Open actions show on the country's "
        "Home tab and in its next update form.",
        '/action add PT "Send the national roadmap draft" due 19 Jan for meeting 1',
        most_used="Note an action item",
    ),
    CommandHelp(
        ACTION_COMMAND,
        "/action list [country | mine | all]",
        "The open actions (yours and your country's by default), numbered, each with a Done "
        "button.",
        "/action list Portugal",
    ),
    CommandHelp(
        ACTION_COMMAND,
        "/action done <n> [note]",
        "Mark action <n> done, with a note if you like (its country's members, its assignee "
        "or coordinators).",
        "/action done 3 sent on Friday",
    ),
)
