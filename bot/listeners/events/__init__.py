"""Events: the App Home tab."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.events import app_home


def register(app: App) -> None:
    app.event("app_home_opened")(ack=app_home.acknowledge, lazy=[app_home.publish])
