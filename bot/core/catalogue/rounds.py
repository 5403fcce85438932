"""The catalogue's entries for `/round`: collection rounds and their nudges."""

from __future__ import annotations

from bot.core.catalogue.model import ROUND_COMMAND, CommandHelp

ENTRIES: tuple[CommandHelp, ...] = (
    CommandHelp(
        ROUND_COMMAND,
        "/round status [id]",
        "Who has submitted, who is late and who is missing, one line a country, and which "
        "countries have no member listed.",
        "/round status",
        most_used="Which countries have answered a round",
    ),
    CommandHelp(
        ROUND_COMMAND,
        '/round open "<title>" due DATE [for core countries|supporting countries|everyone|<countries>]',
        "Open a collection round; the partners of each country get a DM with a button (the "
        "reply names countries with no member listed).",
        '/round open "Action plan update" due in 3 weeks for core countries',
        coordinators_only=True,
        words=("open",),
        refusal="open rounds",
        most_used="Ask the countries for an update",
    ),
    CommandHelp(
        ROUND_COMMAND,
        "/round remind [id]",
        "DM the partners of every country still missing (with several rounds open and no id, "
        "I ask which).",
        "/round remind",
        coordinators_only=True,
        words=("remind",),
        refusal="remind rounds",
    ),
    CommandHelp(
        ROUND_COMMAND,
        "/round close [id]",
        "Close a round: I show who has not answered and ask you to confirm; Undo reopens it "
        "for 10 minutes.",
        "/round close 1",
        coordinators_only=True,
        words=("close",),
        refusal="close rounds",
    ),
    CommandHelp(
        ROUND_COMMAND,
        "/round export [id] [md|docx|csv|json]",
        "Get the round's report as a file in your DM with the bot (with several rounds open "
        "and no id, I ask which).",
        "/round export 1 docx",
        coordinators_only=True,
        words=("export",),
        refusal="export rounds",
    ),
    CommandHelp(
        ROUND_COMMAND,
        "/round nudges [id] [pause|resume|off|<rules>]",
        "Show, pause, resume, turn off or set the DMs that chase countries still missing.",
        "/round nudges 2 5 working days before, 1 working day before",
        coordinators_only=True,
        words=("nudges",),
        refusal="set the nudges of rounds",
    ),
)
