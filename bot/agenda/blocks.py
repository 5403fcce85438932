"""Builders for topics and agendas: the proposal with its Support button, the coordinators'
topic list, the draft agenda (its text, the DM that carries it, the modal that edits it) and
the agenda as published. User text is escaped; the draft's text is plain, for a text input."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.core import ids
from bot.core.blocks import Message, as_dicts, context, header, section, section_texts
from bot.core.catalogue import MEETING_COMMAND
from bot.core.mrkdwn import escape, person, truncate
from bot.core.paging import Paging, nothing_more, page_footer
from scheduling.agenda.facts import MAX_AGENDA_TEXT, AgendaFacts, TopicLine
from scheduling.agenda.topics import Carried, Proposed, Supported, TopicList
from scheduling.language.dates import short_date
from scheduling.meetings.occurrences import Occurrence, Series
from scheduling.paging import Key, page_of_all

MAX_LISTED_TOPICS = 20  # a page of topics: two blocks each, within a message's 50


def occurrence_value(series_id: int, original_local: datetime) -> str:
    """What a button names an occurrence by: its series and original wall-clock start."""
    return json.dumps({"m": series_id, "o": original_local.isoformat()})


def _when(series: Series, occurrence: Occurrence) -> str:
    day = short_date(occurrence.local_date)
    return day if series.all_day else f"{day} {occurrence.start_local:%H:%M} ({series.timezone})"


def _countries(codes: tuple[str, ...], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(code, code) for code in codes)


def _archive_url(channel: str | None, ts: str | None) -> str | None:
    if not channel or not ts:
        return None
    return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"


def draft_text(facts: AgendaFacts, names: Mapping[str, str]) -> str:
    """The draft agenda in plain words, at most MAX_AGENDA_TEXT characters: topics by
    support, then needs and challenges by country (with a link to the card), then open
    action items due by the meeting."""
    lines = [f"{facts.series.title}, {_when(facts.series, facts.occurrence)}", ""]
    lines.append("Proposed topics")
    for topic in facts.topics:
        support = len(topic.supporters)
        by = f"supported by {_countries(topic.supporters, names)}" if support else "no support yet"
        lines.append(f"{topic.number}. {topic.title} ({by})")
    if not facts.topics:
        lines.append("- none proposed yet")
    for kind, title in (("need", "Needs from the consortium"), ("challenge", "Challenges")):
        found = [n for n in facts.needs if n.kind == kind]
        if found:
            lines += ["", title]
        for need in found:
            url = _archive_url(need.channel, need.ts)
            card = f" (card: {url})" if url else ""
            text = " ".join(need.text.split())
            lines.append(f"- {need.country_name}: {text}{card}")
    if facts.actions:
        lines += ["", "Open action items"]
    for action in facts.actions:
        owner = names.get(action.country_code or "", action.country_code or "")
        due = f" (due {short_date(action.due_on)})" if action.due_on else ""
        lines.append(f"- {owner + ': ' if owner else ''}{action.text}{due}")
    return truncate("\n".join(lines), MAX_AGENDA_TEXT)


def _edit_button(facts: AgendaFacts) -> ActionsBlock:
    value = occurrence_value(facts.series.id, facts.occurrence_local)
    return ActionsBlock(
        block_id="agenda-edit",
        elements=[
            ButtonElement(
                text="Edit and publish", action_id=ids.AGENDA_EDIT, value=value, style="primary"
            )
        ],
    )


def _text_blocks(text: str) -> list[Block]:
    blocks: list[Block] = [section(chunk) for chunk in section_texts(escape(text))]
    return blocks[:40]


def draft_message(facts: AgendaFacts, names: Mapping[str, str]) -> Message:
    """A coordinator's DM: the draft agenda and its Edit and publish button."""
    title = f"Draft agenda: {facts.series.title}, {short_date(facts.occurrence.local_date)}"
    blocks: list[Block] = [header(title), *_text_blocks(draft_text(facts, names))]
    blocks.append(_edit_button(facts))
    blocks.append(context("Edit it, then publish it to the meeting's channel."))
    return Message(text=escape(title), blocks=as_dicts(blocks))


def agenda_message(facts: AgendaFacts, names: Mapping[str, str], coordinator: bool) -> Message:
    """`/meeting agenda`: the published agenda, else the current draft (coordinators)."""
    day = short_date(facts.occurrence.local_date)
    if facts.published_text is not None:
        title = f"Agenda: {facts.series.title}, {day}"
        text = facts.published_text
    else:
        title = f"Draft agenda (not published yet): {facts.series.title}, {day}"
        text = draft_text(facts, names)
    blocks: list[Block] = [header(title), *_text_blocks(text)]
    if coordinator:
        blocks.append(_edit_button(facts))
    return Message(text=escape(title), blocks=as_dicts(blocks))


def published_agenda(series: Series, occurrence: Occurrence, text: str) -> Message:
    """The agenda as posted in the meeting's channel (and updated there in place)."""
    title = f"Agenda: {series.title}, {_when(series, occurrence)}"
    blocks: list[Block] = [header(title), *_text_blocks(text)]
    return Message(text=escape(title), blocks=as_dicts(blocks))


def agenda_modal(facts: AgendaFacts, names: Mapping[str, str]) -> dict[str, Any]:
    """The agenda in a multiline input, prefilled with what was published, else the draft."""
    text = facts.published_text or draft_text(facts, names)
    again = facts.published_text is not None
    return {
        "type": "modal",
        "callback_id": ids.AGENDA_MODAL,
        "private_metadata": occurrence_value(facts.series.id, facts.occurrence_local),
        "title": {"type": "plain_text", "text": "Agenda"},
        "submit": {"type": "plain_text", "text": "Update" if again else "Publish"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": ids.AGENDA_TEXT,
                "label": {
                    "type": "plain_text",
                    "text": truncate(
                        f"{facts.series.title}, {short_date(facts.occurrence.local_date)}", 2000
                    ),
                },
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.AGENDA_TEXT,
                    "multiline": True,
                    "max_length": MAX_AGENDA_TEXT,
                    "initial_value": text,
                },
            }
        ],
    }


def proposed_message(proposed: Proposed) -> Message:
    """The reply to a proposal (only its proposer sees it): where others support it."""
    day = short_date(proposed.occurrence.local_date)
    meeting = proposed.series.id
    text = (
        f"Proposed “{escape(proposed.title)}” for {escape(proposed.series.title)} "
        f"on {day}, with your country's support. Others support it from "
        f"`/meeting topics {meeting}` with one click (one vote per country)."
    )
    return Message(text=text, blocks=as_dicts([section(text)]))


def supported_message(supported: Supported, names: Mapping[str, str]) -> Message:
    title = escape(supported.title)
    country = escape(supported.country_name)
    if supported.added:
        text = f"{country} supports “{title}”."
    else:
        text = f"{country} already supports “{title}”: one vote per country."
    count = len(supported.supporters)
    who = escape(_countries(supported.supporters, names))
    text += f" Supported by {count} {'country' if count == 1 else 'countries'}: {who}."
    return Message(text=text, blocks=as_dicts([section(text)]))


def _topic_line(topic: TopicLine, names: Mapping[str, str]) -> str:
    support = len(topic.supporters)
    who = f" · {escape(_countries(topic.supporters, names))}" if support else ""
    return (
        f"*{topic.number}.* {escape(topic.title)} · {support} "
        f"{'country' if support == 1 else 'countries'}{who} · from {person(topic.proposed_by)}"
    )


def topics_message(
    listed: TopicList, names: Mapping[str, str], coordinator: bool, after: Key | None = None
) -> Message:
    """A page of an occurrence's topics (the first, or the one after `after`), each with
    Support for everyone it is for, and Up and Drop for coordinators. More carries the
    listing of that occurrence, never the drop or merge the list may answer."""
    page = page_of_all(listed.topics, after, MAX_LISTED_TOPICS)
    listing = f"topics {listed.series.id} on {listed.occurrence.local_date:%Y-%m-%d}"
    paging = Paging(MEETING_COMMAND, listing, after)
    if not page.items and page.before:
        return nothing_more(page.total)
    day = short_date(listed.occurrence.local_date)
    title = f"Topics for {listed.series.title} on {day}"
    blocks: list[Block] = [header(title)]
    for topic in page.items:
        blocks.append(section(_topic_line(topic, names)))
        elements = [ButtonElement(text="Support", action_id=ids.TOPIC_SUPPORT, value=str(topic.id))]
        if coordinator and topic.number != 1:
            elements.append(ButtonElement(text="Up", action_id=ids.TOPIC_UP, value=str(topic.id)))
        if coordinator:
            elements.append(
                ButtonElement(
                    text="Drop", action_id=ids.TOPIC_DROP, value=str(topic.id), style="danger"
                )
            )
        blocks.append(ActionsBlock(block_id=f"topic-{topic.id}", elements=elements))
    if not listed.topics:
        blocks.append(section("No topics proposed yet."))
    meeting = listed.series.id
    how = (
        f"`/meeting topics {meeting} drop N` drops one; "
        f"`/meeting topics {meeting} merge N into M` merges two."
        if coordinator
        else f'`/meeting propose {meeting} "<topic>"` proposes one.'
    )
    blocks.append(context(how))
    footer = page_footer(paging, page)
    return Message(text=escape(title), blocks=[*as_dicts(blocks), *footer])


def carry_offer(series_id: int, original_local: datetime, had: Carried, to: Occurrence) -> Message:
    """After cancelling an occurrence with topics or open actions: carry them to the next."""
    day = short_date(to.local_date)
    text = f"The cancelled occurrence had {had.words()}."
    what = "topics" if not had.actions else "actions" if not had.topics else "them"
    button = ButtonElement(
        text=truncate(f"Carry {what} to {day}", 75),
        action_id=ids.TOPIC_CARRY,
        value=occurrence_value(series_id, original_local),
    )
    blocks = [section(text), ActionsBlock(block_id="topic-carry", elements=[button])]
    return Message(text=text, blocks=as_dicts(blocks))
