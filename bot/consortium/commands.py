"""`/consortium <subcommand>`: answered in the ack itself, so no Web API call is needed."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient

from bot.consortium.away import handle_away, handle_hours
from bot.consortium.blocks import status_message, whoami_message
from bot.consortium.subscribe import handle_subscribe
from bot.consortium.subscribe_blocks import with_census
from bot.core.blocks import Message, plain_message
from bot.core.catalogue import CONSORTIUM_COMMAND
from bot.core.help import (
    find_topic,
    help_message,
    topic_help_message,
    unknown_subcommand_message,
    unknown_topic_message,
)
from bot.core.mrkdwn import unescape
from bot.core.web_api.background import Background, SchedulerState
from bot.privacy.forget import handle_forget
from bot.privacy.my_data import asks_for_my_data, handle_my_data
from bot.settings import Settings
from scheduling.calendars.feeds import FeedService
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.delivery.jobs import Jobs
from scheduling.errors import FieldError
from scheduling.language.words import suggest
from scheduling.meetings.service import MeetingService
from scheduling.privacy.access import PersonalDataService
from scheduling.privacy.erasure import ErasureService
from scheduling.workdays.away import AwayService

if TYPE_CHECKING:  # the Home tab's module draws on the features' blocks
    from bot.home.tabs import HomeTabs


async def handle(
    ack: AsyncAck,
    command: dict[str, str],
    caller: MemberProfile,
    directory: DirectoryService,
    feeds: FeedService,
    settings: Settings,
    jobs: Jobs,
    scheduler: SchedulerState,
    meetings: MeetingService,
    homes: HomeTabs,
    background: Background,
    away: AwayService,
    personal_data: PersonalDataService,
    web: WebClient,
    erasure: ErasureService,
) -> None:
    words = unescape(command.get("text", "")).split()
    subcommand = words[0].lower() if words else "help"
    name = directory.directory().consortium_name
    if subcommand not in SUBCOMMANDS and asks_for_my_data(words):
        await handle_my_data(ack, command, caller, personal_data, web, background)
        return
    if subcommand == "forget":
        await handle_forget(ack, command, caller, erasure)
        return
    if subcommand == "away":
        changed = await handle_away(ack, command, caller, directory, away)
        if changed is not None:  # their tab says so, and the coordinators' list who is away
            coordinators = [p.slack_id for p in directory.directory().coordinators]
            background.forms.run(homes.changed, [changed, *coordinators])
        return
    if subcommand == "help":
        message = _help(words[1:], caller, name)
    elif subcommand == "whoami":
        message = whoami_message(caller, name)
    elif subcommand == "subscribe":
        message = await handle_subscribe(words, caller, directory, feeds, settings)
    elif subcommand == "remind":
        where = words[-1].lower() if len(words) >= 2 else ""
        if words[1:2] != ["me"] or where not in ("dm", "channel"):
            close = suggest(where, ("dm", "channel"), cutoff=0.5) if len(words) > 2 else None
            hint = f"Did you mean `/consortium remind me {close}`? " if close else ""
            message = plain_message(
                f"{hint}Say `/consortium remind me dm` or `/consortium remind me channel`."
            )
        else:
            await asyncio.to_thread(directory.set_reminder_delivery, caller.slack_id, where)
            message = plain_message(
                "From now on your meeting reminders come as direct messages."
                if where == "dm"
                else "From now on your meeting reminders are posted in the meetings' channels only."
            )
    elif subcommand in ("invites", "invitations"):
        message = await _invitations(words[1:], caller, directory, meetings.invitations_by_mail)
    elif subcommand == "digest":
        message = await _digest(words[1:], caller, directory)
    elif subcommand == "hours":
        message = await asyncio.to_thread(handle_hours, words[1:], caller, away)
    elif subcommand == "status":
        status = await asyncio.to_thread(jobs.status, caller)
        running = scheduler.running() if scheduler.running is not None else None
        census = await asyncio.to_thread(feeds.census, caller)
        message = with_census(status_message(status, running), census)
    else:
        message = unknown_subcommand_message(CONSORTIUM_COMMAND, words[0])
    await ack(**message.as_ephemeral())
    if subcommand in SETTINGS:
        # The member's own Home tab shows their settings (drawn only if they have opened it).
        background.forms.run(homes.changed, [caller.slack_id])


# The subcommands this listener answers itself (anything else may be `my data` misspelt).
SUBCOMMANDS = frozenset(
    {"forget", "away", "help", "whoami", "subscribe", "remind", "invites", "invitations"}
    | {"digest", "hours", "status"}
)

# The subcommands that change a member's settings.
SETTINGS = frozenset({"remind", "invites", "invitations", "digest", "hours"})


def _help(words: list[str], caller: MemberProfile, consortium_name: str) -> Message:
    """The short help, or with a topic (`help meetings`) every command of that topic."""
    if not words:
        return help_message(consortium_name, coordinator=caller.is_coordinator)
    topic = find_topic(words[0])
    return topic_help_message(topic) if topic else unknown_topic_message(words[0])


async def _invitations(
    words: list[str], caller: MemberProfile, directory: DirectoryService, can_mail: bool
) -> Message:
    how = words[0].lower() if words else ""
    if how not in ("email", "off"):
        now = (
            "on, to " + caller.email if caller.takes_mailed_invitations and caller.email else "off"
        )
        close = suggest(how, ("email", "off")) if how else None
        hint = f"Did you mean `/consortium invites {close}`? " if close else ""
        return plain_message(
            f"{hint}Calendar invitations by e-mail are {now}. Say `/consortium invites email` "
            "or `/consortium invites off`."
        )
    try:
        profile = await asyncio.to_thread(directory.set_invitations, caller.slack_id, how)
    except FieldError as error:
        return plain_message(str(error))
    if how == "off":
        return plain_message(
            "No more calendar invitations by e-mail. The meetings already in your calendar stay"
            " there but are no longer updated by e-mail: `/consortium subscribe` gives a feed"
            " that keeps them right."
        )
    if not can_mail:
        return plain_message(
            f"Noted: invitations will go to {profile.email} once the bot can send e-mail"
            " (SMTP_URL is not set up yet; a coordinator can see to it)."
        )
    return plain_message(
        f"From now on each meeting you are invited to comes to {profile.email} as a calendar"
        " invitation, and its changes and cancellation too."
    )


# What people put around the one word that matters: `digest by dm please`, `digest as DMs`.
_FILLER = frozenset({"by", "as", "in", "via", "to", "me", "please", "a", "the", "my"})
_SAID = {"dms": "dm", "direct": "dm", "stop": "off", "no": "off", "none": "off"}


async def _digest(words: list[str], caller: MemberProfile, directory: DirectoryService) -> Message:
    said = [word.lower().strip(".!") for word in words if word.lower() not in _FILLER]
    how = _SAID.get(said[0], said[0]) if said else ""
    if how not in ("dm", "off"):
        now = "also by DM" if caller.digest_by_dm else "only in the digest channel"
        close = suggest(how, ("dm", "off"), cutoff=0.5) if how else None
        hint = f"Did you mean `/consortium digest {close}`? " if close else ""
        return plain_message(
            f"{hint}You get the weekly digest {now}. Say `/consortium digest dm` or "
            "`/consortium digest off`."
        )
    await asyncio.to_thread(directory.set_digest, caller.slack_id, how)
    if how == "dm":
        return plain_message(
            "The weekly digest now comes to you by DM too, your meetings and your country's "
            "rounds first; `/consortium digest off` stops it."
        )
    return plain_message(
        "The weekly digest by DM is off; it is still posted in the digest channel."
    )
