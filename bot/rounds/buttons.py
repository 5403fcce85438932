"""The buttons of closing a round, and of choosing among open rounds: each acks at once and
answers by response_url, in place of the message that carried the button. Only Close and
Undo change a round (a chosen remind or export goes on as the command would), and the
service checks the presser's role again for each.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.core import ids
from bot.core.blocks import plain_message
from bot.core.buttons import answer_in_place, answered_call, pressed_object
from bot.core.web_api.background import Background
from bot.rounds.blocks import CHOICE_VERBS, round_closed_message
from bot.rounds.commands import follow_up, run
from bot.rounds.grammar import RoundCommand
from bot.rounds.messenger import RoundMessenger
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError
from scheduling.updates.documents import FORMATS
from scheduling.updates.rounds import RoundService

GONE = "That button no longer works; type the `/round` command again."

if TYPE_CHECKING:  # the Home tab's module draws on this feature's blocks
    from bot.home.tabs import HomeTabs


def _round_id(value: dict[str, Any]) -> int | None:
    found = value.get("r")
    return ids.record_id(found) if isinstance(found, int) else None


async def pick(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    rounds: RoundService,
    messenger: RoundMessenger,
    background: Background,
    respond: AsyncRespond,
) -> None:
    """A round chosen for close (which then asks to confirm), remind or export."""
    await ack()
    value = pressed_object(body)
    round_id, action, format_name = _round_id(value), value.get("a"), value.get("f", "md")
    if round_id is None or action not in CHOICE_VERBS or format_name not in FORMATS:
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    parsed = RoundCommand(str(action), reference=str(round_id), format_name=str(format_name))
    answered = await answered_call(respond, run, parsed, rounds, caller)
    if answered is None:
        return
    reply, after = answered
    await answer_in_place(respond, reply, replace=True)
    follow_up(after, parsed, caller, messenger, background)


async def confirm(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    rounds: RoundService,
    respond: AsyncRespond,
    homes: HomeTabs,
    background: Background,
) -> None:
    """Close the round the confirmation named; the answer carries Undo."""
    await ack()
    round_id = _round_id(pressed_object(body))
    if round_id is None:
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    closed = await answered_call(respond, rounds.close, caller, str(round_id))
    if closed is None:
        return
    await answer_in_place(respond, round_closed_message(closed, caller.timezone), replace=True)
    background.messages.run(homes.changed)


async def keep(
    ack: AsyncAck, body: dict[str, Any], rounds: RoundService, respond: AsyncRespond
) -> None:
    """Nothing happens; the question is answered so."""
    await ack()
    round_id = _round_id(pressed_object(body))
    name = "the round"
    if round_id is not None:
        try:
            found = await asyncio.to_thread(rounds.resolve, str(round_id))
            name = f"round #{found.id} “{found.title}”"
        except FieldError:
            name = f"round #{round_id}"
    await answer_in_place(respond, plain_message(f"Kept {name} open, unchanged."), replace=True)


async def undo(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    rounds: RoundService,
    respond: AsyncRespond,
    homes: HomeTabs,
    background: Background,
) -> None:
    """Reopen the round that closing closed: the same round, with the same answers."""
    await ack()
    value = pressed_object(body)
    round_id, version = _round_id(value), value.get("v")
    if round_id is None or not isinstance(version, int) or isinstance(version, bool):
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    reopened = await answered_call(respond, rounds.reopen, caller, round_id, version)
    if reopened is None:
        return
    text = (
        f"Reopened round #{reopened.id} “{reopened.title}” with its answers; countries can "
        f"submit again until it is closed."
    )
    await answer_in_place(respond, plain_message(text), replace=True)
    background.messages.run(homes.changed)
