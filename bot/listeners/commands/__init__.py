"""Slash commands: `/consortium` and `/meeting`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.catalogue import CONSORTIUM_COMMAND, MEETING_COMMAND
from bot.listeners.commands import consortium, meeting


def register(app: AsyncApp) -> None:
    app.command(CONSORTIUM_COMMAND)(consortium.handle)
    app.command(MEETING_COMMAND)(meeting.handle)
