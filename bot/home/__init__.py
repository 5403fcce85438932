"""The App Home tab: drawn when a member opens it and redrawn when what it shows changes."""

from __future__ import annotations

from bot.core import ids
from bot.door import Registrar
from bot.home import listeners
from bot.home.replies import reply_by_dm


def register(app: Registrar) -> None:
    app.middleware(reply_by_dm(app.services["web"]))
    app.event("app_home_opened")(listeners.opened)
    app.action(ids.HOME_ROUND_REMIND)(listeners.remind)
    app.action(ids.HOME_SCHEDULE_MEETING)(listeners.schedule_meeting)
    app.action(ids.HOME_OPEN_ROUND)(listeners.open_round)
