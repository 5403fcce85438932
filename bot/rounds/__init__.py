"""`/round`: open, status, remind, close, export."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.core.catalogue import ROUND_COMMAND
from bot.rounds import commands


def register(app: AsyncApp) -> None:
    app.command(ROUND_COMMAND)(commands.handle)
