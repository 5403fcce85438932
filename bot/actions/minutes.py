"""`/meeting minutes <id> [on DATE] <url> [kind]`: the link stored, the reply in the ack, and
the post in the meeting's channel (in the published agenda's thread) after it."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.actions import grammar
from bot.actions.blocks import minutes_post, minutes_reply
from bot.core.blocks import plain_message
from bot.core.catalogue import MEETING_COMMAND
from bot.core.help import usage_message
from bot.core.mrkdwn import channel_link
from bot.core.readings import Reply
from bot.core.web_api.background import Background
from bot.updates.publisher import tell
from scheduling.actions.minutes import MinutesAdded, MinutesService
from scheduling.clock import today_in
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError

if TYPE_CHECKING:
    from bot.home.tabs import HomeTabs  # the Home tab draws this feature's blocks

logger = logging.getLogger("consortium_bot.minutes")


async def handle(ack: Reply, command: dict[str, str], context: AsyncBoltContext) -> None:
    """The words after `minutes` are in `command["text"]`."""
    caller: MemberProfile = context["caller"]
    minutes: MinutesService = context["minutes"]
    background: Background = context["background"]
    homes: HomeTabs = context["homes"]
    today = today_in(minutes.clock, caller.timezone)
    try:
        parsed = grammar.parse_minutes(command.get("text", ""), today)
    except grammar.ActionGrammarError as error:
        await ack(**usage_message(str(error), MEETING_COMMAND, "minutes").as_ephemeral())
        return
    try:
        added = await asyncio.to_thread(
            minutes.add, caller, parsed.meeting_id, parsed.on, parsed.url, parsed.kind
        )
    except FieldError as error:
        await ack(**plain_message(str(error)).as_ephemeral())
        return
    await ack(**minutes_reply(added).as_ephemeral())
    if added.channel is not None:
        background.messages.run(post, context["web"], added)
    background.messages.run(homes.changed)


def post(web: WebClient, added: MinutesAdded) -> None:
    """The link in the meeting's channel; the adder hears of it when Slack refuses."""
    assert added.channel is not None
    message = minutes_post(added)
    try:
        web.chat_postMessage(
            channel=added.channel,
            thread_ts=added.thread_ts,
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
        )
    except SlackApiError as error:
        code = error.response.get("error")
        logger.warning("minutes for meeting %s not posted: %s", added.series.id, code)
        tell(
            web,
            added.added_by,
            f"The link is saved, but I could not post it to {channel_link(added.channel)}: {code}.",
        )
