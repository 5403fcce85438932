"""The update form's submission: checked in the ack (errors shown by the fields), stored,
and the card posted (or refreshed after an edit) in the background."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.core import ids
from bot.core.background import Background
from bot.updates.blocks import posted_view
from bot.updates.publisher import UpdateNotifier
from scheduling.consortium.directory import MemberProfile
from scheduling.updates.service import SECTIONS, UpdateDraft, UpdateError, UpdateService


def _state_value(state: dict[str, Any], block_id: str) -> str | None:
    element = state.get(block_id, {}).get(block_id, {})
    if element.get("type") == "static_select":
        return (element.get("selected_option") or {}).get("value")
    value = element.get("value")
    return value if isinstance(value, str) else None


async def submit(
    ack: AsyncAck,
    view: dict[str, Any],
    caller: MemberProfile,
    updates: UpdateService,
    update_notifier: UpdateNotifier,
    background: Background,
) -> None:
    state = view.get("state", {}).get("values", {})
    metadata = json.loads(view.get("private_metadata") or "{}")
    present = [n for n in (*SECTIONS, "links", "note") if ids.update_field_block(n) in state]
    fields = {name: _state_value(state, ids.update_field_block(name)) or "" for name in present}
    update_id = metadata.get("update_id")
    first_field = ids.update_field_block(SECTIONS[0])
    if not any(fields.get(name, "").strip() for name in (*SECTIONS, "note")):
        await ack(response_action="errors", errors={first_field: "Fill in at least one section."})
        return
    try:
        if update_id is not None:
            update = await asyncio.to_thread(updates.edit, caller, int(update_id), fields)
        else:
            country = metadata.get("country") or _state_value(state, ids.UPDATE_COUNTRY)
            if not country:
                await ack(
                    response_action="errors", errors={ids.UPDATE_COUNTRY: "Choose the country."}
                )
                return
            chosen_round = _state_value(state, ids.UPDATE_ROUND)
            round_id = int(chosen_round) if chosen_round and chosen_round != ids.NO_ROUND else None
            draft = UpdateDraft(country, round_id, fields)
            update = await asyncio.to_thread(updates.submit, caller, draft)
    except UpdateError as error:
        block = ids.UPDATE_ROUND if "round" in str(error) and update_id is None else first_field
        if "Only members" in str(error) and ids.UPDATE_COUNTRY in state:
            block = ids.UPDATE_COUNTRY
        await ack(response_action="errors", errors={block: str(error)})
        return
    await ack(response_action="update", view=posted_view(update, edited=update_id is not None))
    background.run(update_notifier.publish, update.id, caller.slack_id)
