"""`app_home_opened`: publish the caller's Home tab after the ack (views.publish is a Web API call)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks import home_view
from bot.catalogue import COMMANDS
from scheduling.directory import DirectoryService


def acknowledge(ack: Ack) -> None:
    ack()


def publish(event: dict[str, Any], client: WebClient, directory: DirectoryService) -> None:
    # The event fires for the Messages tab too; only the Home tab is ours to draw.
    if event.get("tab") != "home":
        return
    user_id = event["user"]
    view = home_view(directory.profile(user_id), directory.directory(), COMMANDS)
    client.views_publish(user_id=user_id, view=view)
