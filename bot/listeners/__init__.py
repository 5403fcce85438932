"""Listener registration, one package a Slack surface."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import commands, events, members_only, views


def register_all(app: App) -> None:
    members_only.install(app)
    commands.register(app)
    events.register(app)
    views.register(app)
