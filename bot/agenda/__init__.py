"""Topics and the agenda: the buttons that support, order, drop and carry topics, and the
modal that edits and publishes an agenda. (`/meeting propose|agenda|topics` come through
`bot/meetings/records.py`; the draft's DM through the delivery notifier.)"""

from __future__ import annotations

from bot.agenda import buttons, form, proposing
from bot.core import ids
from bot.door import Registrar


def register(app: Registrar) -> None:
    app.action(ids.TOPIC_SUPPORT)(buttons.support)
    app.action(ids.TOPIC_DROP)(buttons.drop)
    app.action(ids.TOPIC_UP)(buttons.up)
    app.action(ids.TOPIC_CARRY)(buttons.carry)
    app.action(ids.AGENDA_EDIT)(buttons.edit)
    app.view(ids.AGENDA_MODAL)(form.submit)
    app.action(ids.TOPIC_PROPOSE_OPEN)(proposing.open_form)
    app.view(ids.TOPIC_PROPOSE_MODAL)(proposing.submit)
