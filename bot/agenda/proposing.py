""" "Propose a topic" on a reminder or the Home tab: a button that opens a one-field form for
that occurrence, the same proposal as `/meeting propose <id> "<topic>" on DATE`."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient
from slack_sdk.models.blocks import ButtonElement

from bot.agenda.blocks import proposed_message
from bot.core import ids
from bot.core.blocks import context, done_view, input_block, section
from bot.core.buttons import carried_number, pressed_object
from bot.core.forms import state_value
from bot.core.mrkdwn import truncate
from bot.core.web_api.background import Background
from scheduling.agenda.topics import TopicService
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError
from scheduling.language.dates import short_date
from scheduling.meetings.occurrences import Occurrence
from scheduling.vocabulary import MeetingKind
from storage.meeting_records import MAX_TOPIC_LENGTH

# The meetings whose agenda is drafted from the countries' topics (unless told otherwise).
PROPOSED_FOR = (MeetingKind.JOUR_FIXE, MeetingKind.CONSORTIUM)
GONE = 'That button no longer works; say `/meeting propose <id> "<topic>"`.'


def propose_button(occurrence: Occurrence) -> ButtonElement | None:
    """The button for meetings that take topics; None for the others."""
    series = occurrence.series
    if series.kind not in PROPOSED_FOR:
        return None
    return ButtonElement(
        text="Propose a topic",
        action_id=ids.TOPIC_PROPOSE_OPEN,
        value=json.dumps({"m": series.id, "d": occurrence.local_date.isoformat()}),
        accessibility_label=truncate(f"Propose a topic for {series.title}", 75),
    )


def _named(text: str) -> tuple[int, date] | None:
    try:
        value = json.loads(text or "{}")
        meeting_id = ids.record_id(carried_number(value.get("m")))
        day = date.fromisoformat(str(value.get("d")))
    except (ValueError, RecursionError, AttributeError):
        return None
    return (meeting_id, day) if meeting_id is not None else None


def propose_form(meeting_id: int, day: date) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.TOPIC_PROPOSE_MODAL,
        "private_metadata": json.dumps({"m": meeting_id, "d": day.isoformat()}),
        "title": {"type": "plain_text", "text": "Propose a topic"},
        "submit": {"type": "plain_text", "text": "Propose"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f"For meeting #{meeting_id} on {short_date(day)}.").to_dict(),
            input_block(
                ids.TOPIC_TITLE,
                "Topic",
                {"type": "plain_text_input", "max_length": MAX_TOPIC_LENGTH},
            ),
            context(
                "Others support it with one click; the agenda lists topics by support."
            ).to_dict(),
        ],
    }


async def open_form(
    ack: AsyncAck, body: dict[str, Any], background: Background, web: WebClient
) -> None:
    await ack()
    named = _named(json.dumps(pressed_object(body)))
    if named is None:
        return
    background.forms.run(_open, web, body["trigger_id"], propose_form(*named))


def _open(web: WebClient, trigger_id: str, view: dict[str, Any]) -> None:
    web.views_open(trigger_id=trigger_id, view=view)


async def submit(
    ack: AsyncAck, view: dict[str, Any], caller: MemberProfile, topics: TopicService
) -> None:
    state = view.get("state", {}).get("values", {})
    named = _named(view.get("private_metadata") or "")
    if named is None:
        await ack(response_action="errors", errors={ids.TOPIC_TITLE: GONE})
        return
    title = state_value(state, ids.TOPIC_TITLE) or ""
    try:
        proposed = await asyncio.to_thread(topics.propose, caller, named[0], title, named[1])
    except FieldError as error:
        await ack(response_action="errors", errors={ids.TOPIC_TITLE: str(error)})
        return
    done = done_view("Topic proposed", proposed_message(proposed).blocks)
    await ack(response_action="update", view=done)
