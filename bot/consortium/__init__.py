"""`/consortium`: help, whoami, subscribe (and the buttons of resetting feed links), remind
me, invites, status; and the welcome at a member's first contact (opening the Home tab, or a
message to the bot)."""

from __future__ import annotations

from bot.consortium import away, commands, subscribe, welcome
from bot.core import ids
from bot.core.catalogue import CONSORTIUM_COMMAND
from bot.core.readings import reading_for
from bot.door import Registrar


def register(app: Registrar) -> None:
    app.command(CONSORTIUM_COMMAND)(commands.handle)
    for action_id in ids.READING_ACTIONS:
        app.action(action_id, matchers=[reading_for(CONSORTIUM_COMMAND)])(away.reading_chosen)
    app.action(ids.FEED_RESET_CONFIRM)(subscribe.confirm_own)
    app.action(ids.FEED_RESET_OTHERS_CONFIRM)(subscribe.confirm_others)
    app.action(ids.FEED_RESET_KEEP)(subscribe.keep)
    app.event("message")(welcome.direct_message)
