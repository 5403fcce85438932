"""`/consortium <subcommand>`: answered in the ack itself, so no Web API call is needed."""

from __future__ import annotations

import asyncio

from slack_bolt.async_app import AsyncAck

from bot.blocks import (
    help_message,
    subscribe_message,
    unknown_subcommand_message,
    whoami_message,
)
from bot.catalogue import COMMANDS, CONSORTIUM_COMMAND
from bot.mrkdwn import unescape
from bot.settings import Settings
from scheduling.directory import DirectoryService, MemberProfile
from scheduling.feeds import FeedService


async def handle(
    ack: AsyncAck,
    command: dict[str, str],
    caller: MemberProfile,
    directory: DirectoryService,
    feeds: FeedService,
    settings: Settings,
) -> None:
    words = unescape(command.get("text", "")).split()
    subcommand = words[0].lower() if words else "help"
    name = directory.directory().consortium_name
    if subcommand == "help":
        message = help_message(COMMANDS, name)
    elif subcommand == "whoami":
        message = whoami_message(caller, name)
    elif subcommand == "subscribe":
        links = await asyncio.to_thread(feeds.links_for, caller)
        message = subscribe_message(links, settings.public_url, name)
    else:
        message = unknown_subcommand_message(CONSORTIUM_COMMAND, words[0], COMMANDS)
    await ack(**message.as_ephemeral())
