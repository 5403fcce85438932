"""Slash commands: `/consortium` (help, whoami)."""

from __future__ import annotations

from slack_bolt import App

from bot.catalogue import CONSORTIUM_COMMAND
from bot.listeners.commands import consortium


def register(app: App) -> None:
    app.command(CONSORTIUM_COMMAND)(consortium.handle)
