"""Listener registration, one package a Slack surface."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.listeners import actions, commands, events, members_only, views


def register_all(app: AsyncApp) -> None:
    members_only.install(app)
    commands.register(app)
    events.register(app)
    views.register(app)
    actions.register(app)
