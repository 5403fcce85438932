"""Modal submissions."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot import ids
from bot.listeners.views import meeting_form, update_form


def register(app: AsyncApp) -> None:
    app.view(ids.MEETING_MODAL)(meeting_form.submit)
    app.view(ids.UPDATE_FORM)(update_form.submit)
