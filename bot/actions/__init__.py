"""`/action` and its Done button; `/meeting minutes` is handed over by `meetings/records.py`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.actions import commands
from bot.core import ids
from bot.core.catalogue import ACTION_COMMAND


def register(app: AsyncApp) -> None:
    app.command(ACTION_COMMAND)(commands.handle)
    app.action(ids.ACTION_DONE)(commands.done_pressed)
