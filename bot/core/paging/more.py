"""The More button's value: the command as Slack sent it and the key where the page ended; read
back without trusting it, and the command run again for the next page, answered in place of
the page before."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.core import ids
from bot.core.blocks import plain_message
from bot.core.buttons import answer_in_place, pressed_object, pressed_text
from bot.core.readings import MAX_BUTTON_VALUE, Reply, chosen_command, rerun_chosen
from scheduling.paging import NO_LONGER_WORKS, Key

if TYPE_CHECKING:  # the app's door registers this listener
    from bot.door import Registrar

# The command's key that holds where the last page ended (JSON): no Slack command carries it,
# only a More button does.
AFTER = "after"
MAX_KEY_PARTS = 4
MAX_KEY_TEXT = 64


def carried_key(value: object) -> Key | None:
    """A key as a button carried it (a short list of numbers, short texts and nulls), or
    None for anything else."""
    if not isinstance(value, list) or not 0 < len(value) <= MAX_KEY_PARTS:
        return None
    for part in value:
        if isinstance(part, bool) or not isinstance(part, int | str | None):
            return None
        if isinstance(part, str) and len(part) > MAX_KEY_TEXT:
            return None
    return tuple(value)


@dataclass(frozen=True)
class Paging:
    """Which page of a command's answer to draw: the command and its text as Slack sent them
    (what More carries to run it again) and the key the page before ended at (None: the
    first page)."""

    command: str
    text: str
    after: Key | None = None

    @classmethod
    def of(cls, name: str, command: Mapping[str, str]) -> Paging:
        """The paging of `command` (of the slash command `name`) as its listener got it. A
        key that is not one reads as an empty one, which every list refuses."""
        carried = command.get(AFTER)
        after: Key | None = None
        if carried is not None:
            try:
                after = carried_key(json.loads(carried)) or ()
            except (ValueError, RecursionError):
                after = ()
        return cls(name, command.get("text", ""), after)

    def more_value(self, after: Key) -> str | None:
        """The More button's value for the page after `after`; None when the command is too
        long for a button to carry."""
        carried = {"command": self.command, "text": self.text, AFTER: list(after)}
        value = json.dumps(carried, ensure_ascii=False, separators=(",", ":"))
        return value if len(value) <= MAX_BUTTON_VALUE else None


async def rerun_page(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    run: Callable[[Reply, dict[str, str]], Awaitable[None]],
) -> None:
    """More pressed: run its command again for the page after its key (`run(answer,
    command)`, as the slash command's listener would with its ack), answering in place of
    the page that carried the button."""
    await ack()
    chosen = chosen_command(pressed_text(body))
    after = carried_key(pressed_object(body).get(AFTER))
    if chosen is None or after is None:
        await answer_in_place(respond, plain_message(NO_LONGER_WORKS), replace=False)
        return

    async def answer(**reply: Any) -> None:
        if reply:  # a command that answers elsewhere (a form) acks with nothing
            await respond(replace_original=True, **reply)

    command = {
        "text": chosen[1],
        "trigger_id": str(body.get("trigger_id") or ""),
        "channel_id": str((body.get("channel") or {}).get("id") or ""),
        AFTER: json.dumps(list(after)),
    }
    await run(answer, command)


async def rerun_carried(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    run: Callable[[Reply, dict[str, str]], Awaitable[None]],
) -> None:
    """Any button that carries a command (`ids.COMMAND_BUTTONS`): More runs it for the next
    page, a reading or a warning's button with the date chosen or checked."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    pressed = first.get("action_id") if isinstance(first, dict) else None
    rerun = rerun_page if pressed == ids.PAGE_MORE else rerun_chosen
    await rerun(ack, body, respond, run)


def install(app: Registrar) -> None:
    """After every feature's: a More button none of them answers (its value garbled, or a
    command that has no pages) is told it no longer works, rather than left unanswered."""

    @app.action(ids.PAGE_MORE)
    async def no_longer_works(ack: AsyncAck, respond: AsyncRespond) -> None:
        await ack()
        await answer_in_place(respond, plain_message(NO_LONGER_WORKS), replace=False)
