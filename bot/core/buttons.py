"""What a pressed button carried, read without trusting it, and the answer that replaces the
message it was on. A value comes back from Slack as the bot wrote it, but anyone can forge a
payload: a value that is not what the bot writes reads as nothing, however it is built."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncRespond

from bot.core.blocks import Message, plain_message
from scheduling.errors import FieldError
from scheduling.undo import UndoError

T = TypeVar("T")


def pressed_text(body: dict[str, Any]) -> str:
    """The pressed button's value as sent (empty when there is none)."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    value = first.get("value") if isinstance(first, dict) else None
    return value if isinstance(value, str) else ""


def pressed_object(body: dict[str, Any]) -> dict[str, Any]:
    """The pressed button's value as a JSON object; empty for anything else, a value nested
    past Python's recursion limit included."""
    try:
        value = json.loads(pressed_text(body) or "{}")
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def carried_number(value: object) -> int | None:
    """A whole number a button carried (never a bool or a string)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def answer_in_place(respond: AsyncRespond, message: Message, *, replace: bool) -> None:
    """Answer the presser only, in place of the message the button was on (`replace`) or
    below it."""
    await respond(
        text=message.text,
        blocks=message.blocks,
        response_type="ephemeral",
        replace_original=replace,
    )


async def answered_call(respond: AsyncRespond, call: Callable[..., T], *args: Any) -> T | None:
    """`call(*args)` (a service method) in a worker thread. A refusal is told to the presser
    and gives None: an Undo refused will never work again, so its answer takes the button's
    place; any other refusal is told below the message, which stays to be pressed again."""
    try:
        return await asyncio.to_thread(call, *args)
    except UndoError as error:
        await answer_in_place(respond, plain_message(str(error)), replace=True)
    except FieldError as error:
        await answer_in_place(respond, plain_message(str(error)), replace=False)
    return None
