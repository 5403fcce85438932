"""`/consortium`: help, whoami, subscribe, remind me, invites, status."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.consortium import commands
from bot.core.catalogue import CONSORTIUM_COMMAND


def register(app: AsyncApp) -> None:
    app.command(CONSORTIUM_COMMAND)(commands.handle)
