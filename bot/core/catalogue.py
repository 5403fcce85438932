"""Every slash command the bot answers, with one example each and who may use it: the source
of `help` (the short one, each topic's, and the usage an error shows) and of the role check
at the door (`access.py`), and checked against manifest.yml by the tests so the three never
drift apart."""

from __future__ import annotations

from dataclasses import dataclass

from scheduling.errors import FieldError
from scheduling.language.words import split_words, straighten_quotes

CONSORTIUM_COMMAND = "/consortium"
MEETING_COMMAND = "/meeting"
UPDATE_COMMAND = "/update"
ROUND_COMMAND = "/round"
DIGEST_COMMAND = "/digest"
ACTION_COMMAND = "/action"

# The topics of `/consortium help <topic>`, in the order help names them, with their titles.
TOPICS = {
    "meetings": "Meetings",
    "updates": "Country updates and the digest",
    "rounds": "Collection rounds",
    "actions": "Minutes and action items",
    "settings": "You and your settings",
    "admin": "Running the bot",
}
# The topic an entry goes under unless it names another: its command's.
COMMAND_TOPICS = {
    CONSORTIUM_COMMAND: "settings",
    MEETING_COMMAND: "meetings",
    UPDATE_COMMAND: "updates",
    ROUND_COMMAND: "rounds",
    DIGEST_COMMAND: "updates",
    ACTION_COMMAND: "actions",
}


@dataclass(frozen=True)
class CommandHelp:
    command: str
    usage: str
    summary: str
    example: str
    coordinators_only: bool = False
    # The first words of the command's text that select this entry ("" for no text at all),
    # and what the door tells others: "Only coordinators can <refusal>."
    words: tuple[str, ...] = ()
    refusal: str = ""
    # The `/consortium help <topic>` that lists it ("": its command's, `COMMAND_TOPICS`).
    topic: str = ""
    # Its line in the short `/consortium help`, for the few things done most ("": not there).
    most_used: str = ""

    def __post_init__(self) -> None:
        if not self.topic:
            object.__setattr__(self, "topic", COMMAND_TOPICS[self.command])
        if self.topic not in TOPICS:
            raise ValueError(f"{self.usage}: no help topic {self.topic!r}")

    @property
    def subcommand(self) -> str:
        """The word after the command that names this entry (`move`), or "" when the usage
        goes on with a value or nothing (`/update`, `/update <text>`)."""
        after = self.usage.split()[1:2]
        word = after[0] if after else ""
        return "" if word[:1] in ("<", "[", '"') else word


COMMANDS: tuple[CommandHelp, ...] = (
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium help [meetings|updates|rounds|actions|settings|admin]",
        "The commands used most; with a topic, every command of that topic with an example.",
        "/consortium help meetings",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium whoami",
        "Show the country, roles and time zone the consortium has for you.",
        "/consortium whoami",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium subscribe",
        "Get the calendar feeds that concern you, and how to add them to your calendar.",
        "/consortium subscribe",
        most_used="Put the meetings in your own calendar",
    ),
    CommandHelp(
        MEETING_COMMAND,
        "/meeting next [all] [kind]",
        "Your next meetings (those of your country's and role's audiences), shown in your own "
        "time zone; `all` shows everyone's.",
        "/meeting next",
        most_used="Your next meetings",
    ),
    CommandHelp(
        MEETING_COMMAND,
        "/meeting who <id> [on DATE]",
        "Who is going, not going or undecided, and who has not answered, by country; "
        "countries with nobody in the consortium file show as no contact listed.",
        "/meeting who 1",
        most_used="Who is coming to a meeting",
    ),
    CommandHelp(
        MEETING_COMMAND,
        '/meeting propose <id> "<topic>" [on DATE]',
        "Propose a topic for a meeting you are invited to (the next occurrence, or the one on "
        "DATE); others support it with one click, one vote per country.",
        '/meeting propose 1 "Twinning visits in spring"',
    ),
    CommandHelp(
        MEETING_COMMAND,
        "/meeting agenda <id> [on DATE]",
        "The meeting's agenda once published; coordinators also see the draft, with a button "
        "to edit and publish it to the meeting's channel.",
        "/meeting agenda 1",
    ),
    CommandHelp(
        MEETING_COMMAND,
        "/meeting topics <id> [on DATE] [drop N | merge N into M]",
        "The topics proposed for an occurrence, by support, each with a Support button (one "
        "vote per country); coordinators also move them up, drop or merge them.",
        "/meeting topics 1",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium remind me dm|channel",
        "Get meeting reminders as direct messages, or only in the meetings' channels.",
        "/consortium remind me dm",
        most_used="Meeting reminders by direct message",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium invites email|off",
        "Get each meeting's calendar invitation by e-mail (to the address in the consortium "
        "file), or stop them.",
        "/consortium invites email",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium digest dm|off",
        "Also get the weekly digest by DM (your meetings and your country's rounds first), or "
        "stop it.",
        "/consortium digest dm",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND, "/consortium away [DATES]", "Days away.", "/consortium away 3 Aug"
    ),
    CommandHelp(
        CONSORTIUM_COMMAND, "/consortium hours [9-17]", "Working hours.", "/consortium hours 9-17"
    ),
    CommandHelp(
        MEETING_COMMAND,
        "/meeting list",
        "Every series and event with its number, rule and next date.",
        "/meeting list",
    ),
    CommandHelp(
        MEETING_COMMAND,
        '/meeting schedule <kind> "<title>" <repeat> [from DATE] [until DATE | for N occurrences] at TIME [for DURATION] [tz ZONE] [in #channel]',
        "Schedule a series or a one-off event (kinds: jour-fixe, consortium, core-team, "
        "physical, webinar, workshop; repeat: once on DATE or just DATE, every <day>, every "
        "other <day>, monthly or quarterly on the <first…last> <day>, rrule <RRULE>). Dates "
        "as you write them, day first (19/12/2027, 19 Dec, tomorrow, next thursday, in 3 "
        "weeks); times as 14:00 or 2pm; a date that reads two ways is asked about first. "
        "Without `in`, a jour fixe goes "
        "to the jour-fixe channel and a core-team meeting to core-team, the rest to "
        "announcements. `/meeting` alone opens a form, which also takes the place, join "
        "link, audience and reminders.",
        '/meeting schedule webinar "Governance webinar" on 15 Feb at 2pm',
        coordinators_only=True,
        words=("schedule", ""),
        refusal="change meetings",
        most_used="Schedule a meeting (`/meeting` alone opens a form)",
    ),
    CommandHelp(
        MEETING_COMMAND,
        "/meeting cancel <id> [on DATE]",
        "Cancel one occurrence, or a whole series: a series asks you to confirm first, showing "
        "what it cancels and whom it tells. Either has an Undo button for 10 minutes. Without "
        "an id, I list the meetings to choose from.",
        "/meeting cancel 1 on 7 March",
        coordinators_only=True,
        words=("cancel",),
        refusal="change meetings",
    ),
    CommandHelp(
        MEETING_COMMAND,
        "/meeting move <id> DATE to DATE [at TIME]",
        "Move one occurrence.",
        "/meeting move 1 7 March to 8 March at 11am",
        coordinators_only=True,
        words=("move",),
        refusal="change meetings",
    ),
    CommandHelp(
        MEETING_COMMAND,
        "/meeting edit <id> <title|time|duration|link|location|channel|reminders|agenda> <value>",
        "Change one field of a meeting; changing only the reminders, or how many days ahead "
        "the draft agenda goes to the coordinators (`agenda 5d`), posts nothing again.",
        "/meeting edit 1 link https://zoom.example/j/new",
        coordinators_only=True,
        words=("edit",),
        refusal="change meetings",
    ),
    CommandHelp(
        MEETING_COMMAND,
        "/meeting invite <id>",
        "Post the meeting's invite and calendar file again.",
        "/meeting invite 1",
        coordinators_only=True,
        words=("invite",),
        refusal="change meetings",
    ),
    CommandHelp(
        MEETING_COMMAND,
        "/meeting attended <id> on <date> <country codes or @members>",
        "Mark members present at an occurrence: a country code marks each member listed for "
        "that country, an @mention that member.",
        "/meeting attended 1 on 4 Jan PT FI",
        coordinators_only=True,
        words=("attended",),
        refusal="mark attendance",
        topic="meetings",
    ),
    CommandHelp(
        MEETING_COMMAND,
        "/meeting minutes <id> [on DATE] <url> [minutes|notes|recording|slides]",
        "Add a link to a meeting's minutes (or notes, recording, slides) for its latest "
        "occurrence, or the one on DATE; I post it in the meeting's channel, in the agenda's "
        "thread when there is one. Anyone the meeting is for can add one.",
        "/meeting minutes 1 on 4 Jan https://share.example/jourfixe-minutes",
        topic="actions",
        most_used="Share a meeting's minutes",
    ),
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
    CommandHelp(
        UPDATE_COMMAND,
        "/update",
        "Open the form for your country's update: achievements, challenges, planned "
        "objectives and actions, needs from the consortium, upcoming national events, links.",
        "/update",
        most_used="Write your country's update in a form",
    ),
    CommandHelp(
        UPDATE_COMMAND,
        "/update <text>",
        "Post a one-line note for your country (start with a country code if you have several); "
        "while a round waits for your country, a button counts the note as its answer.",
        "/update PT: the national mission platform went live today",
        most_used="Post a one-line update",
    ),
    CommandHelp(
        UPDATE_COMMAND,
        "/update list [country | round]",
        "Recent updates, of one country or one round.",
        "/update list Portugal",
    ),
    CommandHelp(
        UPDATE_COMMAND, "/update mine", "Your updates, each with an Edit button.", "/update mine"
    ),
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
        DIGEST_COMMAND,
        "/digest preview",
        "This week's digest, shown only to you.",
        "/digest preview",
    ),
    CommandHelp(
        DIGEST_COMMAND,
        "/digest now",
        "Post the digest to the digest channel now.",
        "/digest now",
        coordinators_only=True,
        words=("now",),
        refusal="post the digest",
        topic="admin",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium status",
        "Scheduler state, last sweep, next digest, messages pending or failed with reasons.",
        "/consortium status",
        coordinators_only=True,
        words=("status",),
        refusal="see the bot's status",
        topic="admin",
    ),
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
