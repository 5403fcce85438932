"""The Home tab's event and its own buttons: remind a round's missing countries, and the
coordinators' shortcuts that open the forms. Everything else on the tab (RSVP, Submit, Edit)
is the same button as on reminders, requests and cards, answered by its own feature."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk import WebClient

from bot.consortium.welcome import welcome_if_first
from bot.core import ids
from bot.core.buttons import answered_call, pressed_text
from bot.core.web_api.background import Background
from bot.home.tabs import HomeTabs
from bot.meetings.form import open_form as open_meeting_form
from bot.rounds.blocks import reminded_message
from bot.rounds.form import open_form as open_round_form
from bot.rounds.messenger import RoundMessenger
from bot.settings import Settings
from scheduling.calendars.feeds import FeedService
from scheduling.clock import today_in
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.meetings.service import MeetingService
from scheduling.updates.rounds import RoundService


async def opened(
    ack: AsyncAck,
    event: dict[str, Any],
    homes: HomeTabs,
    background: Background,
    web: WebClient,
    directory: DirectoryService,
    feeds: FeedService,
    settings: Settings,
) -> None:
    await ack()
    # The event fires for the Messages tab too; only the Home tab is ours to draw.
    if event.get("tab") == "home" and isinstance(event.get("user"), str):
        background.forms.run(homes.opened, event["user"])
        # The first time a member comes, a short welcome in their DM with the bot.
        background.messages.run(welcome_if_first, web, directory, feeds, settings, event["user"])


async def remind(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    rounds: RoundService,
    messenger: RoundMessenger,
    background: Background,
    respond: AsyncRespond,
) -> None:
    """A round's Remind button (it asked first, in Slack's own confirm dialog)."""
    await ack()
    round_id = ids.record_id(pressed_text(body))
    requests = await answered_call(respond, rounds.remind, caller, str(round_id or 0))
    if requests is None:
        return
    await respond(**reminded_message(requests).as_ephemeral())
    if requests.asked:
        background.messages.run(messenger.ask, requests)


async def schedule_meeting(
    ack: AsyncAck,
    body: dict[str, Any],
    meetings: MeetingService,
    background: Background,
    web: WebClient,
) -> None:
    await ack()
    background.forms.run(open_meeting_form, web, body["trigger_id"], meetings)


async def open_round(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    rounds: RoundService,
    background: Background,
    web: WebClient,
) -> None:
    await ack()
    today = await asyncio.to_thread(today_in, rounds.clock, caller.timezone)
    background.forms.run(open_round_form, web, body["trigger_id"], today)
