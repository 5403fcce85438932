"""The buttons of topics and agendas: Support (anyone the meeting is for), Up, Drop and Carry
(coordinators: the door checks, and the service again), and Edit and publish, which opens the
agenda's modal. Each acks at once; answers go by response_url, only to the presser."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk import WebClient

from bot.agenda.blocks import agenda_modal, supported_message, topics_message
from bot.core import ids
from bot.core.blocks import plain_message
from bot.core.buttons import answer_in_place, answered_call, carried_number, pressed_text
from bot.core.web_api.background import Background
from scheduling.agenda.service import AgendaService
from scheduling.agenda.topics import TopicService
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.language.dates import short_date

GONE = "That button no longer works; `/meeting topics <id>` lists the topics again."


def occurrence_pressed(text: str) -> tuple[int, datetime] | None:
    """The (meeting, original start) a button or a modal carried, or None if forged."""
    try:
        value = json.loads(text or "{}")
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    meeting_id = ids.record_id(carried_number(value.get("m")))
    try:
        original = datetime.fromisoformat(str(value.get("o")))
    except ValueError:
        return None
    if meeting_id is None or original.tzinfo is not None:
        return None
    return meeting_id, original


async def support(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    topics: TopicService,
    directory: DirectoryService,
    respond: AsyncRespond,
) -> None:
    await ack()
    topic_id = ids.record_id(pressed_text(body))
    if topic_id is None:
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    supported = await answered_call(respond, topics.support, caller, topic_id)
    if supported is not None:
        message = supported_message(supported, directory.country_names())
        await answer_in_place(respond, message, replace=False)


async def drop(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    topics: TopicService,
    directory: DirectoryService,
    respond: AsyncRespond,
) -> None:
    await _reorder(ack, body, respond, topics.drop, caller, directory)


async def up(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    topics: TopicService,
    directory: DirectoryService,
    respond: AsyncRespond,
) -> None:
    await _reorder(ack, body, respond, topics.up, caller, directory)


async def _reorder(
    ack: AsyncAck,
    body: dict[str, Any],
    respond: AsyncRespond,
    change: Any,
    caller: MemberProfile,
    directory: DirectoryService,
) -> None:
    """Drop or move up a topic, then show the list as it now stands in place of the old."""
    await ack()
    topic_id = ids.record_id(pressed_text(body))
    if topic_id is None:
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    listed = await answered_call(respond, change, caller, topic_id)
    if listed is not None:
        message = topics_message(listed, directory.country_names(), coordinator=True)
        await answer_in_place(respond, message, replace=True)


async def carry(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    topics: TopicService,
    respond: AsyncRespond,
) -> None:
    await ack()
    named = occurrence_pressed(pressed_text(body))
    if named is None:
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    carried = await answered_call(respond, topics.carry, caller, *named)
    if carried is not None:
        moved, to = carried
        text = f"Carried {moved.words()} to {short_date(to.local_date)}."
        await answer_in_place(respond, plain_message(text), replace=True)


async def edit(
    ack: AsyncAck,
    body: dict[str, Any],
    caller: MemberProfile,
    agendas: AgendaService,
    directory: DirectoryService,
    background: Background,
    web: WebClient,
    respond: AsyncRespond,
) -> None:
    """Open the agenda's modal, prefilled with what was published, else the draft as of now."""
    await ack()
    named = occurrence_pressed(pressed_text(body))
    if named is None:
        await answer_in_place(respond, plain_message(GONE), replace=False)
        return
    facts = await answered_call(respond, agendas.draft, caller, *named)
    if facts is None:
        return
    view = agenda_modal(facts, directory.country_names())
    background.forms.run(_open, web, body["trigger_id"], view)


def _open(web: WebClient, trigger_id: str, view: dict[str, Any]) -> None:
    web.views_open(trigger_id=trigger_id, view=view)
