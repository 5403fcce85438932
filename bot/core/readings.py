"""Asking before acting on words that read two ways (`03/04/2027`: 3 April or 4 March).

The question shows what the command will do with each reading, as buttons; each button
carries the command rewritten with an ISO date, so pressing it runs the very command again,
through the same door and the same service checks, now without doubt. `Neither` does nothing.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.core import ids
from bot.core.blocks import MAX_SECTION_TEXT, Message, plain_message
from bot.core.buttons import pressed_object, pressed_text
from bot.core.mrkdwn import escape, truncate
from bot.door import Registrar
from scheduling.language.dates import in_words
from scheduling.language.phrases import DatesRead

# Slack's limit on a button's value: a rewritten command longer than this is not offered.
MAX_BUTTON_VALUE = 2000
MAX_BUTTON_TEXT = 75
NOTHING_DONE = (
    "Nothing done. Type the command again with the date written out, "
    "e.g. 19 Dec 2027 or 2027-12-19."
)


def two_way_question(command: str, dates: DatesRead, doing: str) -> Message | None:
    """The question for a command whose dates read two ways; None when there is no doubt.

    Built as plain dicts within Slack's limits (section text, button text and value), not
    through slack_sdk's models: this answer is made on the ack path, where their validation
    cost more than the reading itself (`bench/ack_latency.py`); tests check it against them.
    """
    readings = dates.two_way
    if not readings:
        return None
    first = ", ".join(in_words(reading.day) for reading in readings)
    second = ", ".join(in_words(reading.other) for reading in readings if reading.other)
    typed = ", ".join(f"“{reading.typed}”" for reading in readings)
    said = f"{typed} can be read two ways: {first} (as I read it) or {second}."
    # The rewritten line is as typed (Slack's escaping undone); escaped again, it reads back
    # through the same door as the line Slack sent, so `&amp;` typed stays `&amp;`.
    values = [
        json.dumps({"command": command, "text": escape(dates.rewritten(choose_other=other))})
        for other in (False, True)
    ]
    if any(len(value) > MAX_BUTTON_VALUE for value in values):
        # Too long to carry in a button: nothing happens, and the way to be clear is said.
        return plain_message(f"{said} {NOTHING_DONE}")
    text = escape(f"{said} {doing} — which did you mean?")
    buttons = [
        button(first, ids.READING_AS_READ, values[0], primary=True),
        button(second, ids.READING_OTHER, values[1]),
        button("Neither", ids.READING_NEITHER, "neither"),
    ]
    return question_message(text, "reading", buttons)


def question_message(text: str, block_id: str, buttons: list[dict[str, Any]]) -> Message:
    """A question (escaped mrkdwn `text`) and its buttons, within Slack's limits."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, MAX_SECTION_TEXT)}},
        {"type": "actions", "block_id": block_id, "elements": buttons},
    ]
    return Message(text=text, blocks=blocks)


def button(label: str, action_id: str, value: str, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(label, MAX_BUTTON_TEXT), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if primary:
        button["style"] = "primary"
    return button


def checked_value(command: str, text: str) -> str:
    """A button's value that runs `text` of `command` again with its dates checked: the
    warning about them (`bot/checks/`) is not shown again."""
    return json.dumps({"command": command, "text": escape(text), "checked": True})


def chosen_command(value: str | None) -> tuple[str, str] | None:
    """The command and text a reading button carries, or None for a forged or odd value."""
    carried = pressed_object({"actions": [{"value": value}]})
    command, text = carried.get("command"), carried.get("text")
    if not isinstance(command, str) or not isinstance(text, str):
        return None
    return command, text


Reply = Callable[..., Awaitable[Any]]


async def rerun_chosen(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    run: Callable[[Reply, dict[str, str]], Awaitable[None]],
) -> None:
    """A reading button pressed: run its command again (`run(answer, command)`, as the
    slash command's listener would with its ack), answering in place of the question."""
    await ack()
    chosen = chosen_command(pressed_text(body))
    if chosen is None:
        await respond(text="That button no longer works; type the command again.")
        return

    async def answer(**reply: Any) -> None:
        await respond(replace_original=True, **reply)

    command = {
        "text": chosen[1],
        "trigger_id": str(body.get("trigger_id") or ""),
        "channel_id": str((body.get("channel") or {}).get("id") or ""),
    }
    if pressed_object(body).get("checked") is True:
        command["checked"] = "yes"  # no Slack command carries this key: only a button does
    await run(answer, command)


def reading_for(command: str) -> Callable[..., Awaitable[bool]]:
    """A Bolt matcher: the reading button carries a line of `command`."""

    async def matches(body: dict[str, Any]) -> bool:
        chosen = chosen_command(pressed_text(body))
        return chosen is not None and chosen[0] == command

    return matches


def install(app: Registrar) -> None:
    @app.action(ids.READING_NEITHER)
    async def neither(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await respond(replace_original=True, text=NOTHING_DONE)
