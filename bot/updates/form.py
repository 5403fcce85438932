"""The update form: built for the member (their countries, the rounds asking them), checked in
the ack with errors shown under their fields, stored, and the card posted after the ack."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient

from bot.core import ids
from bot.core.blocks import context, done_view, input_block, option, section
from bot.core.forms import field_errors, state_value
from bot.core.mrkdwn import escape, truncate
from bot.core.web_api.background import Background
from bot.updates.publisher import UpdatePublisher
from scheduling.actions.items import MAX_NOTE_LENGTH, ActionLine
from scheduling.consortium.directory import CountryRef, MemberProfile
from scheduling.errors import FieldError
from scheduling.updates.service import MAX_FIELD_LENGTH, UpdateService
from scheduling.updates.views import RoundRef, UpdateDraft, UpdateView
from scheduling.vocabulary import FIELDS, SECTIONS, UpdateField

MAX_LABEL = 150  # of a question's label (Slack allows 2,000): the action in short
# Which input shows an error about which field.
FIELD_BLOCKS = {
    "country": ids.UPDATE_COUNTRY,
    "round": ids.UPDATE_ROUND,
    **{str(name): ids.update_field_block(name) for name in FIELDS},
}


def update_form(
    countries: Sequence[CountryRef],
    rounds: Sequence[RoundRef],
    *,
    country: str | None = None,
    round_id: int | None = None,
    fields: Mapping[UpdateField, str] | None = None,
    update_id: int | None = None,
    version: int | None = None,
    actions: Mapping[str, Sequence[ActionLine]] | None = None,
) -> dict[str, Any]:
    """The update form; Slack's input limits are declared on every field. An edit form
    keeps the `version` it shows, for the save to be refused if the update changed since."""
    fields = fields or {}
    blocks: list[dict[str, Any]] = []
    metadata: dict[str, Any] = {"update_id": update_id, "version": version}
    if update_id is not None or len(countries) == 1:
        chosen = next((c for c in countries if c.code == country), countries[0])
        metadata["country"] = chosen.code
        blocks.append(context(f"For {chosen.flag} *{escape(chosen.name)}*").to_dict())
        if update_id is None and actions:
            asked = list(actions.get(chosen.code, ()))
            metadata["actions"] = [item.id for item in asked]
            blocks += action_questions(asked)
    else:
        options = [option(f"{c.name} ({c.code})", c.code) for c in countries][:100]
        element: dict[str, Any] = {
            "type": "static_select",
            "action_id": ids.UPDATE_COUNTRY,
            "options": options,
        }
        initial = next((o for o in options if o["value"] == country), None)
        if initial:
            element["initial_option"] = initial
        blocks.append(input_block(ids.UPDATE_COUNTRY, "Country", element))
    if update_id is None:
        round_options = [option("No round (a free update)", ids.NO_ROUND)]
        round_options += [option(r.title, str(r.id)) for r in rounds][:99]
        selected = next((o for o in round_options if o["value"] == str(round_id)), None)
        round_element: dict[str, Any] = {
            "type": "static_select",
            "action_id": ids.UPDATE_ROUND,
            "options": round_options,
            # A preset round no longer offered (closed) falls back to "no round", never another.
            "initial_option": selected
            or (
                round_options[1]
                if round_id is None and len(round_options) > 1
                else round_options[0]
            ),
        }
        blocks.append(input_block(ids.UPDATE_ROUND, "Answers the round", round_element))
    editable = (
        (*SECTIONS, UpdateField.LINKS, UpdateField.NOTE)
        if fields.get(UpdateField.NOTE)
        else (*SECTIONS, UpdateField.LINKS)
    )
    for name in editable:
        element = {
            "type": "plain_text_input",
            "action_id": ids.update_field_block(name),
            "multiline": True,
            "max_length": MAX_FIELD_LENGTH,
        }
        if fields.get(name):
            element["initial_value"] = fields[name]
        blocks.append(input_block(ids.update_field_block(name), name.label, element, optional=True))
    blocks.append(
        context(
            "Fill in at least one section. Everything you write is posted to the consortium."
        ).to_dict()
    )
    return {
        "type": "modal",
        "callback_id": ids.UPDATE_FORM,
        "private_metadata": json.dumps(metadata),
        "title": {"type": "plain_text", "text": "Edit update" if update_id else "Country update"},
        "submit": {"type": "plain_text", "text": "Save" if update_id else "Post update"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def action_questions(items: Sequence[ActionLine]) -> list[dict[str, Any]]:
    """Per open action of the country: "You planned: X — done?" (a checkbox) and a note;
    both optional, so the form asks without insisting."""
    blocks: list[dict[str, Any]] = []
    for item in items:
        question = ids.update_action_block(item.id)
        note = ids.update_action_note_block(item.id)
        checkbox = {
            "type": "checkboxes",
            "action_id": question,
            "options": [option("Done", "done")],
        }
        label = truncate(f"You planned: {item.text}", MAX_LABEL - len(" — done?")) + " — done?"
        blocks.append(input_block(question, label, checkbox, optional=True))
        element = {"type": "plain_text_input", "action_id": note, "max_length": MAX_NOTE_LENGTH}
        blocks.append(input_block(note, "Note (with done)", element, optional=True))
    return blocks


def done_answers(state: Mapping[str, Any], metadata: Mapping[str, Any]) -> dict[int, str]:
    """The actions the form asked about that were ticked done, with their notes."""
    asked = metadata.get("actions")
    answers = {}
    for value in asked if isinstance(asked, list) else []:
        item_id = ids.record_id(value)
        if item_id is None:
            continue
        block = ids.update_action_block(item_id)
        chosen = state.get(block, {}).get(block, {}).get("selected_options") or []
        if any(isinstance(o, dict) and o.get("value") == "done" for o in chosen):
            answers[item_id] = state_value(state, ids.update_action_note_block(item_id)) or ""
    return answers


def posted_view(update: UpdateView, edited: bool) -> dict[str, Any]:
    what = "saved" if edited else "posted"
    return done_view(
        "Update " + what,
        [
            section(
                f"Your update for {update.country.flag} *{escape(update.country.name)}* is {what} "
                f"(#{update.id}). `/update mine` lists yours, with an Edit button."
            )
        ],
    )


def open_form(
    web: WebClient,
    trigger_id: str,
    updates: UpdateService,
    caller: MemberProfile,
    preset: tuple[int | None, str | None] | None,
) -> None:
    """Open the form at once (the trigger lives 3 s); `preset` is (round, country) from a DM button."""
    choices = updates.form_choices(caller)
    round_id, country = preset or (None, None)
    chosen = country or (caller.countries[0].code if caller.countries else None)
    view = update_form(
        choices.countries,
        choices.rounds,
        country=chosen,
        round_id=round_id,
        actions=choices.actions,
    )
    web.views_open(trigger_id=trigger_id, view=view)


STALE_FORM = "This form can no longer be saved; close it and open it again with `/update`."


def form_metadata(view: dict[str, Any]) -> dict[str, Any] | None:
    """What the form carried for itself: a JSON object, or None when it is anything else."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return None
    return metadata if isinstance(metadata, dict) else None


async def submit(
    ack: AsyncAck,
    view: dict[str, Any],
    caller: MemberProfile,
    updates: UpdateService,
    publisher: UpdatePublisher,
    background: Background,
) -> None:
    state = view.get("state", {}).get("values", {})
    metadata = form_metadata(view)
    present = [name for name in FIELDS if ids.update_field_block(name) in state]
    fields = {name: state_value(state, ids.update_field_block(name)) or "" for name in present}
    first_field = ids.update_field_block(SECTIONS[0])
    if metadata is None:
        await ack(response_action="errors", errors={first_field: STALE_FORM})
        return
    if not any(fields.get(name, "").strip() for name in (*SECTIONS, UpdateField.NOTE)):
        await ack(response_action="errors", errors={first_field: "Fill in at least one section."})
        return
    editing = metadata.get("update_id") is not None
    try:
        if editing:
            update_id = ids.record_id(metadata["update_id"])
            if update_id is None:
                await ack(response_action="errors", errors={first_field: STALE_FORM})
                return
            seen = metadata.get("version")
            published = await asyncio.to_thread(
                updates.edit,
                caller,
                update_id,
                fields,
                seen if isinstance(seen, int) and not isinstance(seen, bool) else None,
            )
        else:
            named = metadata.get("country")
            country = named if isinstance(named, str) and named else None
            country = country or state_value(state, ids.UPDATE_COUNTRY)
            if not country:
                await ack(
                    response_action="errors", errors={ids.UPDATE_COUNTRY: "Choose the country."}
                )
                return
            chosen_round = state_value(state, ids.UPDATE_ROUND)
            round_id = None
            if chosen_round and chosen_round != ids.NO_ROUND:
                round_id = ids.record_id(chosen_round)
                if round_id is None:
                    await ack(
                        response_action="errors",
                        errors={ids.UPDATE_ROUND: "Choose one of the rounds offered."},
                    )
                    return
            draft = UpdateDraft(country, round_id, fields, done_answers(state, metadata))
            published = await asyncio.to_thread(updates.submit, caller, draft)
    except FieldError as error:
        await ack(**field_errors(error, FIELD_BLOCKS, state, first_field))
        return
    await ack(response_action="update", view=posted_view(published.update, edited=editing))
    background.messages.run(publisher.publish, published, caller.slack_id)
