"""Asking before acting on words that read two ways (`03/04/2027`: 3 April or 4 March).

The question shows what the command will do with each reading, as buttons; each button
carries the command rewritten with an ISO date, so pressing it runs the very command again,
through the same door and the same service checks, now without doubt. `Neither` does nothing.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.core import ids
from bot.core.blocks import Message, as_dicts, section
from bot.core.buttons import pressed_object
from bot.core.mrkdwn import escape, truncate
from scheduling.language.dates import in_words
from scheduling.language.phrases import DatesRead

# Slack's limit on a button's value: a rewritten command longer than this is not offered.
MAX_BUTTON_VALUE = 2000
MAX_BUTTON_TEXT = 75


def two_way_question(command: str, dates: DatesRead, doing: str) -> Message | None:
    """The question for a command whose dates read two ways; None when there is no doubt,
    or when the command is too long to carry in a button (the caller then acts as read)."""
    readings = dates.two_way
    if not readings:
        return None
    values = [
        json.dumps({"command": command, "text": dates.rewritten(choose_other=other)})
        for other in (False, True)
    ]
    if any(len(value) > MAX_BUTTON_VALUE for value in values):
        return None
    first = ", ".join(in_words(reading.day) for reading in readings)
    second = ", ".join(in_words(reading.other) for reading in readings if reading.other)
    typed = ", ".join(f"“{reading.typed}”" for reading in readings)
    text = (
        f"{typed} can be read two ways: {first} (as I read it) or {second}. "
        f"{doing} — which did you mean?"
    )
    buttons = [
        ButtonElement(
            text=truncate(first, MAX_BUTTON_TEXT),
            action_id=ids.READING_AS_READ,
            value=values[0],
            style="primary",
        ),
        ButtonElement(
            text=truncate(second, MAX_BUTTON_TEXT), action_id=ids.READING_OTHER, value=values[1]
        ),
        ButtonElement(text="Neither", action_id=ids.READING_NEITHER, value="neither"),
    ]
    blocks = [section(escape(text)), ActionsBlock(block_id="reading", elements=buttons)]
    return Message(text=escape(text), blocks=as_dicts(blocks))


def chosen_command(value: str | None) -> tuple[str, str] | None:
    """The command and text a reading button carries, or None for a forged or odd value."""
    carried = pressed_object({"actions": [{"value": value}]})
    command, text = carried.get("command"), carried.get("text")
    if not isinstance(command, str) or not isinstance(text, str):
        return None
    return command, text


def reading_for(command: str) -> Callable[..., Awaitable[bool]]:
    """A Bolt matcher: the reading button carries a line of `command`."""

    async def matches(body: dict[str, Any]) -> bool:
        action = (body.get("actions") or [{}])[0]
        chosen = chosen_command(action.get("value"))
        return chosen is not None and chosen[0] == command

    return matches


NOTHING_DONE = (
    "Nothing done. Type the command again with the date written out, "
    "e.g. 19 Dec 2027 or 2027-12-19."
)


def install(app: AsyncApp) -> None:
    @app.action(ids.READING_NEITHER)
    async def neither(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(replace_original=True, text=NOTHING_DONE)
