"""Buttons on update cards, round requests and quick notes: each acks, then opens its modal
at once, or answers through the message's response_url."""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk import WebClient

from bot.core import ids
from bot.core.buttons import pressed_object, pressed_text
from bot.core.web_api.background import Background
from bot.updates.blocks import counted_message, full_update_view
from bot.updates.form import open_form, update_form
from bot.updates.publisher import UpdatePublisher
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.errors import FieldError
from scheduling.updates.service import UpdateService, may_post
from scheduling.updates.views import UpdateView


def _update_id(body: dict[str, Any]) -> int | None:
    return ids.record_id(pressed_text(body))


async def _update_of(
    body: dict[str, Any], updates: UpdateService, respond: AsyncRespond
) -> UpdateView | None:
    """The update a button names, or None after telling the presser why not."""
    update_id = _update_id(body)
    try:
        if update_id is None:
            raise FieldError("That button no longer works; use `/update list`.")
        return await asyncio.to_thread(updates.get, update_id)
    except FieldError as error:
        await respond(text=str(error), response_type="ephemeral", replace_original=False)
        return None


async def edit(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    updates: UpdateService,
    background: Background,
    web: WebClient,
    respond: AsyncRespond,
) -> None:
    await ack()
    update = await _update_of(body, updates, respond)
    if update is None:
        return
    if not may_post(caller, update.country.code):
        text = f"Only members for {update.country.name} and coordinators can edit its updates."
        await respond(text=text, response_type="ephemeral", replace_original=False)
        return
    choices = await asyncio.to_thread(updates.form_choices, caller)
    view = update_form(
        choices.countries or [update.country],
        [],
        country=update.country.code,
        fields=update.fields,
        update_id=update.id,
        version=update.version,
    )
    background.forms.run(_open, web, body["trigger_id"], view)


async def show_all(
    ack: AsyncAck,
    body: dict[str, Any],
    updates: UpdateService,
    directory: DirectoryService,
    background: Background,
    web: WebClient,
    respond: AsyncRespond,
) -> None:
    await ack()
    update = await _update_of(body, updates, respond)
    if update is None:
        return
    names = directory.names()
    background.forms.run(_open, web, body["trigger_id"], full_update_view(update, names))


async def submit_for_round(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    updates: UpdateService,
    background: Background,
    web: WebClient,
) -> None:
    await ack()
    preset = pressed_object(body)
    background.forms.run(
        open_form,
        web,
        body["trigger_id"],
        updates,
        caller,
        (preset.get("round"), preset.get("country")),
    )


async def count_note(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    updates: UpdateService,
    publisher: UpdatePublisher,
    background: Background,
    respond: AsyncRespond,
) -> None:
    """The "Count this for <round>" button under a quick note: the note answers the round
    (or is added to the country's answer); the reply replaces the note's, buttons and all."""
    await ack()
    named = pressed_object(body)
    update_id, round_id = ids.record_id(named.get("update")), ids.record_id(named.get("round"))
    try:
        if update_id is None or round_id is None:
            raise FieldError("That button no longer works; use `/update` to answer the round.")
        published, counted = await asyncio.to_thread(
            updates.count_note, caller, update_id, round_id
        )
    except FieldError as error:
        await respond(text=str(error), response_type="ephemeral", replace_original=False)
        return
    reply = counted_message(published.update, counted)
    await respond(**reply.as_ephemeral(), replace_original=True)
    background.messages.run(publisher.publish, published, caller.slack_id)


def _open(web: WebClient, trigger_id: str, view: dict[str, Any]) -> None:
    web.views_open(trigger_id=trigger_id, view=view)
