"""Block Kit builders for country updates and collection rounds."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock

from bot.core import ids
from bot.core.blocks import (
    MAX_SECTION_TEXT,
    Message,
    as_dicts,
    context,
    header,
    input_block,
    option,
    section,
)
from bot.core.mrkdwn import escape, escaped_chunks, escaped_prefix_length, truncate
from scheduling.consortium.directory import CountryRef
from scheduling.updates.rounds import RoundStatus, RoundView
from scheduling.updates.service import (
    MAX_FIELD_LENGTH,
    SECTION_LABELS,
    SECTIONS,
    RoundRef,
    UpdateView,
)

MAX_LISTED_UPDATES = 20
_SHOWN_FIELDS = ("note", *SECTIONS, "links")


def _body(label: str, text: str, limit: int = MAX_SECTION_TEXT) -> tuple[str, bool]:
    """A labelled, escaped section text that fits Slack's limit; True when it was trimmed.

    The text is cut before escaping, so an entity such as `&amp;` is never cut in half.
    """
    prefix = f"*{escape(label)}*\n"
    raw = text.strip()
    room = limit - len(prefix)
    if len(escape(raw)) <= room:
        return prefix + escape(raw), False
    return prefix + escape(raw[: escaped_prefix_length(raw, room - 2)]) + " …", True


def _who(update: UpdateView, names: Mapping[str, str]) -> str:
    return names.get(update.author_id, update.author_id)


def update_card(update: UpdateView, names: Mapping[str, str], edited: bool = False) -> Message:
    """The update as the consortium sees it in the updates channel; replies go in its thread."""
    country = update.country
    author = _who(update, names)
    round_part = f" · round: {escape(update.round.title)}" if update.round else ""
    blocks: list[Block] = [
        header(f"{country.name}: country update"),
        context(f"{country.flag} *{escape(country.name)}* · by {escape(author)}{round_part}"),
    ]
    trimmed = False
    for name in _SHOWN_FIELDS:
        text = update.fields.get(name, "")
        if text.strip():
            body, cut = _body(SECTION_LABELS[name], text)
            trimmed = trimmed or cut
            blocks.append(section(body))
    if trimmed:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Show all",
                        action_id=ids.UPDATE_SHOW_ALL,
                        value=str(update.id),
                        accessibility_label=f"Show the whole update from {country.name}",
                    )
                ]
            )
        )
    note = " · edited" if edited or update.revisions else ""
    blocks.append(context(f"Update #{update.id}{note}. Reply in this message's thread to discuss."))
    text = escape(f"{country.name} update from {author}: {truncate(update.first_line, 200)}")
    return Message(text=text, blocks=as_dicts(blocks))


def full_update_view(update: UpdateView, names: Mapping[str, str]) -> dict[str, Any]:
    """Every word of an update in a modal, cut into sections of at most 3,000 characters."""
    blocks: list[dict[str, Any]] = [
        context(
            f"{update.country.flag} *{escape(update.country.name)}* · by {escape(_who(update, names))}"
        ).to_dict()
    ]
    for name in _SHOWN_FIELDS:
        text = update.fields.get(name, "").strip()
        if not text:
            continue
        blocks.append(section(f"*{escape(SECTION_LABELS[name])}*").to_dict())
        blocks += [section(chunk).to_dict() for chunk in escaped_chunks(text, MAX_SECTION_TEXT)]
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": truncate(f"{update.country.name} update", 24)},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": blocks[:100],
    }


def update_form(
    countries: Sequence[CountryRef],
    rounds: Sequence[RoundRef],
    *,
    country: str | None = None,
    round_id: int | None = None,
    fields: Mapping[str, str] | None = None,
    update_id: int | None = None,
) -> dict[str, Any]:
    """The update form; Slack's input limits are declared on every field."""
    fields = fields or {}
    blocks: list[dict[str, Any]] = []
    metadata: dict[str, Any] = {"update_id": update_id}
    if update_id is not None or len(countries) == 1:
        chosen = next((c for c in countries if c.code == country), countries[0])
        metadata["country"] = chosen.code
        blocks.append(context(f"For {chosen.flag} *{escape(chosen.name)}*").to_dict())
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
    editable = (*SECTIONS, "links", "note") if fields.get("note") else (*SECTIONS, "links")
    for name in editable:
        element = {
            "type": "plain_text_input",
            "action_id": ids.update_field_block(name),
            "multiline": True,
            "max_length": MAX_FIELD_LENGTH,
        }
        if fields.get(name):
            element["initial_value"] = fields[name]
        blocks.append(
            input_block(ids.update_field_block(name), SECTION_LABELS[name], element, optional=True)
        )
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


def posted_view(update: UpdateView, edited: bool) -> dict[str, Any]:
    what = "saved" if edited else "posted"
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Update " + what},
        "close": {"type": "plain_text", "text": "Done"},
        "blocks": [
            section(
                f"Your update for {update.country.flag} *{escape(update.country.name)}* is {what} "
                f"(#{update.id}). `/update mine` lists yours, with an Edit button."
            ).to_dict()
        ],
    }


def update_list(
    title: str, updates: Sequence[UpdateView], names: Mapping[str, str], editable: bool
) -> Message:
    """Recent updates, one section each; with Edit buttons for `/update mine`."""
    blocks: list[Block] = [header(title)]
    if not updates:
        text = "No updates yet."
        blocks.append(section(text))
        return Message(text=f"{title}: {text}", blocks=as_dicts(blocks))
    for update in updates[:MAX_LISTED_UPDATES]:
        round_part = f" · {escape(update.round.title)}" if update.round else ""
        summary = escape(truncate(update.first_line, 300))
        sections = (
            ", ".join(SECTION_LABELS[n].lower() for n in update.filled if n != "note") or "note"
        )
        text = (
            f"{update.country.flag} *{escape(update.country.name)}* #{update.id} · "
            f"{update.created_at:%Y-%m-%d} · {escape(_who(update, names))}{round_part}\n"
            f"{summary}\n_{sections}_"
        )
        accessory = None
        if editable:
            accessory = ButtonElement(
                text="Edit",
                action_id=ids.UPDATE_EDIT,
                value=str(update.id),
                accessibility_label=f"Edit update {update.id} for {update.country.name}",
            )
        blocks.append(SectionBlock(text=truncate(text, MAX_SECTION_TEXT), accessory=accessory))
    if len(updates) > MAX_LISTED_UPDATES:
        blocks.append(context(f"Showing the {MAX_LISTED_UPDATES} most recent."))
    plain = "; ".join(
        f"{u.country.name} #{u.id}: {truncate(u.first_line, 60)}" for u in updates[:5]
    )
    return Message(text=escape(f"{title}: {plain}"), blocks=as_dicts(blocks))


def note_posted_message(update: UpdateView) -> Message:
    text = escape(f"Your note for {update.country.name} is posted (#{update.id}).")
    blocks = [
        SectionBlock(
            text=text,
            accessory=ButtonElement(text="Edit", action_id=ids.UPDATE_EDIT, value=str(update.id)),
        )
    ]
    return Message(text=text, blocks=as_dicts(blocks))


def round_request(round_: RoundView, country: CountryRef, reminder: bool) -> Message:
    """The DM asking a country's partners for their update, with a button to the form."""
    lead = "Reminder: " if reminder else ""
    text = escape(
        f"{lead}{round_.title}: please post the update for {country.name} by {round_.due_on:%a} "
        f"{round_.due_on.day} {round_.due_on:%b %Y}."
    )
    blocks: list[Block] = [
        section(text),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Submit update",
                    action_id=ids.ROUND_SUBMIT,
                    value=json.dumps({"round": round_.id, "country": country.code}),
                    style="primary",
                )
            ]
        ),
        context(
            "Or type `/update` any time. Sections: achievements, challenges, planned objectives and actions, needs, events."
        ),
    ]
    return Message(text=text, blocks=as_dicts(blocks))


def round_status_message(status: RoundStatus, today: date) -> Message:
    round_ = status.round
    lines = []
    for row in status.countries:
        when = f" {row.submitted_on:%Y-%m-%d}" if row.submitted_on else ""
        extra = f" ({row.updates} updates)" if row.updates > 1 else ""
        lines.append(f"{row.country.flag} {escape(row.country.name)}: *{row.state}*{when}{extra}")
    state = "closed" if round_.closed else ("overdue" if today > round_.due_on else "open")
    submitted = sum(1 for r in status.countries if r.submitted_at)
    heading = (
        f"#{round_.id} {escape(round_.title)} · due {round_.due_on:%Y-%m-%d} · {state} · "
        f"{submitted} of {len(status.countries)} countries submitted"
    )
    blocks: list[Block] = [header(f"Round: {round_.title}"), section(heading)]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > MAX_SECTION_TEXT:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    missing = ", ".join(r.country.name for r in status.missing) or "none"
    text = escape(
        f"{round_.title}: {submitted} of {len(status.countries)} submitted; missing: {missing}"
    )
    return Message(text=text, blocks=as_dicts(blocks))


def plain_message(text: str) -> Message:
    return Message(text=escape(text), blocks=as_dicts([section(escape(text))]))
