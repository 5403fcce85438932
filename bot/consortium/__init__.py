"""`/consortium` (help, whoami, subscribe, remind me, status) and the App Home tab."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.consortium import commands, home
from bot.core.catalogue import CONSORTIUM_COMMAND


def register(app: AsyncApp) -> None:
    app.command(CONSORTIUM_COMMAND)(commands.handle)
    app.event("app_home_opened")(home.opened)
