"""Block Kit builders for country updates: the card, the whole text, lists."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock

from bot.core import ids
from bot.core.blocks import (
    MAX_SECTION_TEXT,
    MAX_VIEW_BLOCKS,
    Message,
    as_dicts,
    context,
    header,
    plain_message,
    section,
)
from bot.core.mrkdwn import escape, escaped_chunks, escaped_prefix_length, truncate
from bot.core.paging import Paging, nothing_more, page_footer
from scheduling.paging import Page
from scheduling.privacy.former import person_words
from scheduling.updates.notes import Counted
from scheduling.updates.views import RoundView, UpdateView
from scheduling.vocabulary import SECTIONS, UpdateField

MAX_BUTTON_TEXT = 75
_SHOWN_FIELDS = (UpdateField.NOTE, *SECTIONS, UpdateField.LINKS)


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
    return person_words(update.author_id, names)


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
            body, cut = _body(name.label, text)
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
        blocks.append(section(f"*{escape(name.label)}*").to_dict())
        blocks += [section(chunk).to_dict() for chunk in escaped_chunks(text, MAX_SECTION_TEXT)]
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": truncate(f"{update.country.name} update", 24)},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }


def update_list(
    title: str, page: Page[UpdateView], names: Mapping[str, str], editable: bool, paging: Paging
) -> Message:
    """A page of updates, the latest first, one section each; with Edit buttons for
    `/update mine`."""
    if not page.items and page.before:
        return nothing_more(page.total)
    blocks: list[Block] = [header(title)]
    if not page.items:
        text = "No updates yet."
        blocks.append(section(text))
        return Message(text=f"{title}: {text}", blocks=as_dicts(blocks))
    for update in page.items:
        round_part = f" · {escape(update.round.title)}" if update.round else ""
        summary = escape(truncate(update.first_line, 300))
        sections = (
            ", ".join(n.label.lower() for n in update.filled if n != UpdateField.NOTE) or "note"
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
    plain = "; ".join(
        f"{u.country.name} #{u.id}: {truncate(u.first_line, 60)}" for u in page.items[:5]
    )
    footer = page_footer(paging, page)
    return Message(text=escape(f"{title}: {plain}"), blocks=[*as_dicts(blocks), *footer])


def note_posted_message(update: UpdateView, awaiting: RoundView | None = None) -> Message:
    """The reply to a quick note, with its Edit button; when an open round asks the note's
    country and it has not answered, buttons to count the note for it or open the form."""
    text = escape(f"Your note for {update.country.name} is posted (#{update.id}).")
    blocks: list[Block] = [
        SectionBlock(
            text=text,
            accessory=ButtonElement(text="Edit", action_id=ids.UPDATE_EDIT, value=str(update.id)),
        )
    ]
    if awaiting is not None:
        due = awaiting.due_on
        asked = (
            f"The round “{awaiting.title}” (due {due:%a} {due.day} {due:%b %Y}) is open, and "
            f"{update.country.name} has not answered it yet."
        )
        text += " " + escape(asked)
        country = update.country.code
        blocks += [
            section(escape(asked)),
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=truncate(f"Count this for {awaiting.title}", MAX_BUTTON_TEXT),
                        action_id=ids.NOTE_COUNT,
                        value=json.dumps({"update": update.id, "round": awaiting.id}),
                        style="primary",
                    ),
                    ButtonElement(
                        text="Open the full form",
                        action_id=ids.ROUND_SUBMIT,
                        value=json.dumps({"round": awaiting.id, "country": country}),
                    ),
                ]
            ),
        ]
    return Message(text=text, blocks=as_dicts(blocks))


def counted_message(update: UpdateView, counted: Counted) -> Message:
    """What counting a note for a round did: it is the country's answer, or it was added
    to the answer the country had given."""
    country, title = update.country.name, counted.round.title
    if counted.answer_id is None:
        done = f"Counted: your note #{counted.note_id} is {country}'s answer to “{title}”."
    else:
        done = (
            f"Added your note to {country}'s answer to “{title}” (#{counted.answer_id}); "
            f"your note #{counted.note_id} stays as posted."
        )
    return plain_message(f"{done} `/round status` shows {country}'s answer.")
