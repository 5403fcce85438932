"""The welcome: the first time a member opens the Home tab or writes to the bot, a short DM
saying who the bot is, who they are to it, the three commands they will use and their
calendar feeds. Once per member, recorded before it is sent (two first contacts racing
welcome once); never to anyone who has not turned to the bot first.

Run after the ack, on a background lane: it reads the database and calls the Web API.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.consortium.blocks import describe_roles
from bot.core.access import stranger_message
from bot.core.blocks import Message, as_dicts, context, section
from bot.core.catalogue import (
    CONSORTIUM_COMMAND,
    MEETING_COMMAND,
    ROUND_COMMAND,
    UPDATE_COMMAND,
    CommandHelp,
    usage_entry,
)
from bot.core.help import HELP
from bot.core.mrkdwn import escape
from bot.core.web_api.background import Background
from bot.settings import Settings
from scheduling.calendars.feeds import FeedLink, FeedService
from scheduling.consortium.directory import DirectoryService, MemberProfile

logger = logging.getLogger("consortium_bot.welcome")


def welcome_if_first(
    web: WebClient,
    directory: DirectoryService,
    feeds: FeedService,
    settings: Settings,
    user_id: str,
) -> bool:
    """Welcome a member in their DM with the bot if this is their first contact; whether it
    was. Strangers are not welcomed (nor recorded): what they are told is the caller's."""
    profile = directory.profile(user_id)
    if profile is None:
        return False
    at = feeds.clock.now()
    if not directory.first_contact(user_id, at):
        return False
    links = feeds.links_for(profile) if settings.public_url else []
    message = welcome_message(profile, directory.directory().consortium_name, links, settings)
    try:
        web.chat_postMessage(channel=user_id, text=message.text, blocks=message.blocks)
    except SlackApiError as failure:
        # Not sent: the next contact tries again rather than never.
        logger.warning("could not welcome %s: %s", user_id, failure.response.get("error"))
        directory.welcome_not_sent(user_id, at)
        return False
    return True


def answer_direct_message(
    web: WebClient,
    directory: DirectoryService,
    feeds: FeedService,
    settings: Settings,
    user_id: str,
    channel: str,
) -> None:
    """A message someone wrote to the bot: a stranger hears whom to ask (every time, nothing
    recorded); a member's first message is welcomed, a later one pointed to the help."""
    if directory.profile(user_id) is None:
        message = stranger_message(directory.directory())
    elif welcome_if_first(web, directory, feeds, settings, user_id):
        return
    else:
        message = pointer_message()
    try:
        web.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks)
    except SlackApiError as failure:
        logger.info("no answer to %s's message: %s", user_id, failure.response.get("error"))


def pointer_message() -> Message:
    text = f"I answer slash commands rather than messages: `{HELP}` shows what you can do."
    return Message(text=text, blocks=as_dicts([section(text)]))


def starting_commands(profile: MemberProfile) -> list[CommandHelp]:
    """The three commands a member starts with, by what they do in the consortium."""
    if profile.is_coordinator:
        wanted = [
            (MEETING_COMMAND, "next"),
            (MEETING_COMMAND, "schedule"),
            (ROUND_COMMAND, "status"),
        ]
    elif profile.countries:
        wanted = [
            (MEETING_COMMAND, "next"),
            (UPDATE_COMMAND, ""),
            (CONSORTIUM_COMMAND, "subscribe"),
        ]
    else:
        wanted = [
            (MEETING_COMMAND, "next"),
            (MEETING_COMMAND, "who"),
            (CONSORTIUM_COMMAND, "subscribe"),
        ]
    found = [usage_entry(command, word) for command, word in wanted]
    return [entry for entry in found if entry is not None]


def welcome_message(
    profile: MemberProfile, consortium_name: str, links: Sequence[FeedLink], settings: Settings
) -> Message:
    name = escape(consortium_name)
    countries = ", ".join(f"{c.flag} {escape(c.name)}" for c in profile.countries) or "none"
    roles = describe_roles(profile.roles)
    commands = starting_commands(profile)
    lines = [f"• `{escape(e.example)}`: {escape(e.most_used or e.summary)}" for e in commands]
    blocks: list[Any] = [
        section(
            f"Welcome, {escape(profile.name)}. I am the {name} bot: I keep the consortium's "
            "meetings, remind you of them and collect each country's updates."
        ),
        section(f"*Country:* {countries}   *Roles:* {escape(roles)}"),
        section("*Three commands to start with*\n" + "\n".join(lines)),
    ]
    if links and settings.public_url:
        feeds = "\n".join(
            f"{escape(link.label)}: `{settings.public_url}/calendar/{link.token}.ics`"
            for link in links
        )
        blocks.append(
            section(f"*Your calendar feeds* (subscribe to them in your calendar)\n{feeds}")
        )
        blocks.append(context("Keep these links to yourself. `/consortium help` shows the rest."))
    else:
        blocks.append(
            context(
                "`/consortium subscribe` gives your calendar feeds; `/consortium help` the rest."
            )
        )
    text = (
        f"Welcome to the {consortium_name} bot, {profile.name}: start with "
        + ", ".join(e.example for e in commands)
        + "."
    )
    return Message(text=escape(text), blocks=as_dicts(blocks))


async def direct_message(
    ack: AsyncAck,
    event: dict[str, Any],
    directory: DirectoryService,
    feeds: FeedService,
    settings: Settings,
    background: Background,
    web: WebClient,
) -> None:
    """`message` events: only a person's own message in their DM with the bot is answered;
    edits, joins and every bot's message (the bot's own included) are not, so no loop."""
    await ack()
    user, channel = event.get("user"), event.get("channel")
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    if isinstance(user, str) and isinstance(channel, str):
        background.messages.run(
            answer_direct_message, web, directory, feeds, settings, user, channel
        )
