"""The catalogue's entries for `/consortium`: help, who you are, feeds, settings, days away
and working hours, your own data, the bot's status."""

from __future__ import annotations

from bot.core.catalogue.model import CONSORTIUM_COMMAND, CommandHelp

ENTRIES: tuple[CommandHelp, ...] = (
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
        "/consortium subscribe [reset]",
        "Get your own links to the calendar feeds that concern you, and how to add them to "
        "your calendar; `reset` gives you new links and stops the old ones (after asking).",
        "/consortium subscribe",
        most_used="Put the meetings in your own calendar",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium subscribe reset shared|@member",
        "Stop the shared feed links from before links were personal, or a member's links "
        "(one leaked): the member gets new ones by DM. Asks first.",
        "/consortium subscribe reset @Portuguese partner",
        coordinators_only=True,
        words=("subscribe reset shared", "subscribe reset @"),
        refusal="reset the shared feed links or another member's links",
        topic="admin",
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
        CONSORTIUM_COMMAND,
        "/consortium away [FIRST to LAST | clear | cancel N]",
        "Days you are away: no nudge, digest or round request reaches you by DM then, and "
        "your country is not counted missing for your absence alone; alone, lists your days.",
        "/consortium away 2 Aug to 20 Aug",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium hours [09:00-17:00 | default]",
        "Your working hours in your own zone (default 08:00-19:00): DMs not tied to a "
        "meeting's time wait for them, and for a working day of your country.",
        "/consortium hours 9-17",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium my-data",
        "Get everything the bot holds about you as a JSON file, with a readable summary, in "
        "your DM with the bot (your right of access and to portability).",
        "/consortium my-data",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium status",
        "Scheduler state, last sweep, next digest, messages pending or failed with reasons, "
        "and the data kept: how long each kind of record is kept (the consortium file's "
        "`retention:`) and the daily retention run's last and next run.",
        "/consortium status",
        coordinators_only=True,
        words=("status",),
        refusal="see the bot's status",
        topic="admin",
    ),
    CommandHelp(
        CONSORTIUM_COMMAND,
        "/consortium forget @member",
        "Erase a member's personal data (GDPR art. 17), after a confirmation that says what "
        'goes: their updates stay, by "a former member of" their country.',
        "/consortium forget @Ana",
        coordinators_only=True,
        words=("forget",),
        refusal="erase a member's data",
        topic="admin",
    ),
)
