"""The catalogue's entries for `/meeting`: scheduling, the schedule and the meeting's record."""

from __future__ import annotations

from bot.core.catalogue.model import MEETING_COMMAND, CommandHelp

ENTRIES: tuple[CommandHelp, ...] = (
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
)
