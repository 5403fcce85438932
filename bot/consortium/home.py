"""`app_home_opened`: publish the caller's Home tab after the ack (views.publish is a Web API call)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient

from bot.consortium.blocks import home_view
from bot.consortium.welcome import welcome_if_first
from bot.core.catalogue import COMMANDS
from bot.core.web_api.background import Background
from bot.settings import Settings
from scheduling.calendars.feeds import FeedService
from scheduling.consortium.directory import DirectoryService


async def opened(
    ack: AsyncAck,
    event: dict[str, Any],
    directory: DirectoryService,
    background: Background,
    web: WebClient,
    feeds: FeedService,
    settings: Settings,
) -> None:
    await ack()
    # The event fires for the Messages tab too; only the Home tab is ours to draw.
    if event.get("tab") == "home":
        background.forms.run(publish, web, directory, event["user"])
        background.messages.run(welcome_if_first, web, directory, feeds, settings, event["user"])


def publish(web: WebClient, directory: DirectoryService, user_id: str) -> None:
    view = home_view(directory.profile(user_id), directory.directory(), COMMANDS)
    web.views_publish(user_id=user_id, view=view)
