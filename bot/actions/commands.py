"""`/action add | list | done` and the Done button of a listed item (in a message or on the
Home tab). Who may give or close an item is checked by the service: it depends on the item."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck, AsyncRespond

from bot.actions import grammar
from bot.actions.blocks import action_list, added_message, done_message
from bot.core import ids
from bot.core.blocks import Message, plain_message
from bot.core.buttons import answer_in_place, pressed_text
from bot.core.catalogue import ACTION_COMMAND
from bot.core.help import topic_help_message, unknown_subcommand_message, usage_message
from bot.core.paging import Paging, rerun_page
from bot.core.readings import Reply
from bot.core.web_api.background import Background
from scheduling.actions.items import ActionService
from scheduling.clock import today_in
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError

if TYPE_CHECKING:
    from bot.home.tabs import HomeTabs  # the Home tab draws this feature's blocks


async def handle(
    ack: Reply,
    command: dict[str, str],
    caller: MemberProfile,
    action_items: ActionService,
    homes: HomeTabs,
    background: Background,
) -> None:
    today = today_in(action_items.clock, caller.timezone)
    try:
        parsed = grammar.parse_action_command(command.get("text", ""), today)
    except grammar.ActionGrammarError as error:
        if error.unknown is not None:
            reply = unknown_subcommand_message(ACTION_COMMAND, error.unknown)
        else:
            reply = usage_message(str(error), ACTION_COMMAND, error.subcommand)
        await ack(**reply.as_ephemeral())
        return
    if isinstance(parsed, grammar.ActionHelp):
        await ack(**topic_help_message("actions").as_ephemeral())
        return
    paging = Paging.of(ACTION_COMMAND, command)
    try:
        message = await asyncio.to_thread(_answer, parsed, action_items, caller, today, paging)
    except FieldError as error:
        await ack(**plain_message(str(error)).as_ephemeral())
        return
    await ack(**message.as_ephemeral())
    if not isinstance(parsed, grammar.ListActions):
        background.messages.run(homes.changed)


def _answer(
    parsed: grammar.ActionCommand,
    action_items: ActionService,
    caller: MemberProfile,
    today: Any,
    paging: Paging,
) -> Message:
    if isinstance(parsed, grammar.ListActions):
        listing = action_items.listing(caller, parsed.scope, today, paging.after)
        return action_list(listing, paging)
    if isinstance(parsed, grammar.AddAction):
        item = action_items.add(caller, parsed.assignee, parsed.text, parsed.due, parsed.meeting_id)
        return added_message(item, today)
    assert isinstance(parsed, grammar.DoneAction)
    return done_message(action_items.done(caller, parsed.item_id, parsed.note), today)


async def more_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    caller: MemberProfile,
    action_items: ActionService,
    homes: HomeTabs,
    background: Background,
) -> None:
    """More under a page of `/action list`: the command again, for the next page."""

    async def run(answer: Reply, command: dict[str, str]) -> None:
        await handle(answer, command, caller, action_items, homes, background)

    await rerun_page(ack, body, respond, run)


async def done_pressed(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    caller: MemberProfile,
    action_items: ActionService,
    homes: HomeTabs,
    background: Background,
) -> None:
    """Done on a listed item: the answer below the message (a DM on the Home tab), and the
    tabs redrawn."""
    await ack()
    item_id = ids.record_id(pressed_text(body))
    today = today_in(action_items.clock, caller.timezone)
    try:
        if item_id is None:
            raise FieldError("That button no longer works; use `/action list`.")
        item = await asyncio.to_thread(action_items.done, caller, item_id, None)
    except FieldError as error:
        await answer_in_place(respond, plain_message(str(error)), replace=False)
        return
    await answer_in_place(respond, done_message(item, today), replace=False)
    background.messages.run(homes.changed)
