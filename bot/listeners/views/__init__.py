"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.listeners.views import meeting_form


def register(app: App) -> None:
    app.view(ids.MEETING_MODAL)(meeting_form.submit)
