""" "Add an action item" on any message (a message shortcut, e.g. in a meeting's thread): a
form with the message's words as the action, whom it is for, a due date and the meeting it
came from; the same item as `/action add`."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient

from bot.actions.blocks import added_message
from bot.core import ids
from bot.core.blocks import context, done_view, input_block, option
from bot.core.forms import field_errors, state_value
from bot.core.mrkdwn import truncate, unescape
from bot.core.web_api.background import Background
from scheduling.actions.items import ActionService, Assignee
from scheduling.clock import today_in
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.errors import FieldError
from storage.meeting_records import MAX_ACTION_LENGTH

FIELD_BLOCKS = {
    "who": ids.ACTION_COUNTRY,
    "text": ids.ACTION_TEXT,
    "due": ids.ACTION_DUE,
    "meeting": ids.ACTION_MEETING,
}


def action_form(text: str, countries: list[tuple[str, str]], mine: str | None) -> dict[str, Any]:
    """The form, the message's words (as Slack sent them, unescaped) ready to edit."""
    options = [option(f"{name} ({code})", code) for code, name in countries][:100]
    country: dict[str, Any] = {"type": "static_select", "options": options}
    chosen = next((o for o in options if o["value"] == mine), None)
    if chosen is not None:
        country["initial_option"] = chosen
    return {
        "type": "modal",
        "callback_id": ids.ACTION_MODAL,
        "title": {"type": "plain_text", "text": "Add an action item"},
        "submit": {"type": "plain_text", "text": "Add"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            input_block(
                ids.ACTION_TEXT,
                "What is to be done",
                {
                    "type": "plain_text_input",
                    "multiline": True,
                    "max_length": MAX_ACTION_LENGTH,
                    "initial_value": truncate(text, MAX_ACTION_LENGTH),
                },
            ),
            input_block(ids.ACTION_COUNTRY, "For the country", country),
            input_block(ids.ACTION_MEMBER, "Or for one member", {"type": "users_select"}, True),
            input_block(ids.ACTION_DUE, "Due", {"type": "datepicker"}, optional=True),
            input_block(
                ids.ACTION_MEETING,
                "From meeting number",
                {"type": "plain_text_input", "max_length": 10},
                optional=True,
            ),
            context("It shows on the country's Home tab and in its next update form.").to_dict(),
        ],
    }


async def from_message(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    caller: MemberProfile,
    directory: DirectoryService,
    background: Background,
    web: WebClient,
) -> None:
    await ack()
    message = shortcut.get("message") or {}
    text = unescape(str(message.get("text") or ""))
    countries = sorted(directory.country_names().items(), key=lambda item: item[1])
    mine = caller.countries[0].code if caller.countries else None
    view = action_form(text, countries, mine)
    background.forms.run(_open, web, shortcut["trigger_id"], view)


def _open(web: WebClient, trigger_id: str, view: dict[str, Any]) -> None:
    web.views_open(trigger_id=trigger_id, view=view)


async def submit(
    ack: AsyncAck, view: dict[str, Any], caller: MemberProfile, action_items: ActionService
) -> None:
    state = view.get("state", {}).get("values", {})
    member = state_value(state, ids.ACTION_MEMBER)
    assignee = (
        Assignee(member_id=member)
        if member
        else Assignee(country=state_value(state, ids.ACTION_COUNTRY))
    )
    picked = state_value(state, ids.ACTION_DUE)
    number = (state_value(state, ids.ACTION_MEETING) or "").strip().lstrip("#")
    meeting_id = ids.record_id(number) if number else None
    if number and meeting_id is None:
        await ack(response_action="errors", errors={ids.ACTION_MEETING: "Say a meeting number."})
        return
    try:
        due = date.fromisoformat(picked) if picked else None
        text = state_value(state, ids.ACTION_TEXT) or ""
        item = await asyncio.to_thread(action_items.add, caller, assignee, text, due, meeting_id)
    except FieldError as error:
        await ack(**field_errors(error, FIELD_BLOCKS, state, ids.ACTION_TEXT))
        return
    reply = added_message(item, today_in(action_items.clock, caller.timezone))
    await ack(response_action="update", view=done_view("Action item added", reply.blocks))
