"""Messages about action items and minutes links: each builder returns the blocks and the
top-level text together; what people typed is escaped, lists arrive cut."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import Block, ButtonElement, MarkdownTextObject, SectionBlock

from bot.core import ids
from bot.core.blocks import Message, as_dicts, context, section
from bot.core.mrkdwn import escape, person, truncate
from bot.core.paging import Paging, nothing_more, page_footer
from scheduling.actions.items import ActionLine, ActionListing
from scheduling.actions.minutes import MinutesAdded
from scheduling.language.dates import due_words, short_date

TEXT_ROOM = 300  # of an item's text in a list line
MAX_LABEL = 75


def link(url: str, label: str) -> str:
    """A link to a URL the service validated; `|` would end the URL early."""
    return f"<{escape(url).replace('|', '%7C')}|{escape(label)}>"


def action_words(item: ActionLine, today: date) -> str:
    """`#3 🇵🇹 Portugal: Send the draft · due tomorrow`, as mrkdwn (text escaped)."""
    whose = []
    if item.member_id:
        whose.append(person(item.member_id))
    if item.country:
        whose.append(f"{item.country.flag} {escape(item.country.name)}")
    due = f" · {due_words(item.due_on, today)}" if item.due_on else ""
    overdue = "⚠️ " if item.due_on and item.due_on < today else ""
    meeting = f" · from meeting #{item.meeting_id}" if item.meeting_id else ""
    text = escape(truncate(item.text, TEXT_ROOM))
    return f"{overdue}*#{item.id}* {' '.join(whose) or 'nobody'}: {text}{due}{meeting}"


def done_button(item: ActionLine) -> ButtonElement:
    return ButtonElement(
        text="Done",
        action_id=ids.ACTION_DONE,
        value=str(item.id),
        accessibility_label=truncate(f"Mark action {item.id} done: {item.text}", MAX_LABEL),
    )


def action_section(item: ActionLine, today: date, block_id: str) -> SectionBlock:
    return SectionBlock(
        block_id=block_id,
        text=MarkdownTextObject(text=action_words(item, today)),
        accessory=done_button(item),
    )


def action_list(listing: ActionListing, paging: Paging) -> Message:
    """`/action list`: a page of the open items, one section each with its Done button."""
    page = listing.page
    if not page.items and page.before:
        return nothing_more(page.total)
    if not page.total:
        text = f"No open actions ({listing.whose}). `/action add` gives one."
        return Message(text=escape(text), blocks=as_dicts([section(escape(text))]))
    title = f"Open actions, {listing.whose}: {page.total}"
    blocks: list[Block] = [section(f"*{escape(title)}*")]
    blocks += [action_section(item, listing.today, f"action-{item.id}") for item in page.items]
    blocks.append(context("`/action done <n> [note]` or Done closes one."))
    lines = [f"#{item.id} {item.text}" for item in page.items[:5]]
    footer = page_footer(paging, page)
    return Message(
        text=escape(f"{title}. " + "; ".join(lines)), blocks=[*as_dicts(blocks), *footer]
    )


def added_message(item: ActionLine, today: date) -> Message:
    text = f"Added action #{item.id}: {item.text}"
    return Message(
        text=escape(truncate(text, 300)),
        blocks=as_dicts([section(f"Added {action_words(item, today)}")]),
    )


def done_message(item: ActionLine, today: date) -> Message:
    note = f"\nNote: {escape(truncate(item.done_note, 500))}" if item.done_note else ""
    text = f"Action #{item.id} is done: {item.text}"
    return Message(
        text=escape(truncate(text, 300)),
        blocks=as_dicts([section(f"✅ Done: {action_words(item, today)}{note}")]),
    )


def _minutes_words(added: MinutesAdded) -> tuple[str, str]:
    """The mrkdwn and plain words of a link added."""
    day = short_date(added.occurrence.start_local.date())
    title = truncate(added.series.title, 150)
    label = added.kind.capitalize()
    mrkdwn = f"{link(added.url, label)} of *{escape(title)}* (#{added.series.id}) on {day}"
    plain = f"{label} of {title} (#{added.series.id}) on {day}: {added.url}"
    return mrkdwn, plain


def minutes_reply(added: MinutesAdded) -> Message:
    mrkdwn, plain = _minutes_words(added)
    where = (
        "in the agenda's thread"
        if added.thread_ts
        else (
            "in the meeting's channel" if added.channel else "nowhere: the meeting has no channel"
        )
    )
    return Message(
        text=escape(f"Added: {plain}. Posting it {where}."),
        blocks=as_dicts([section(f"Added {mrkdwn}. Posting it {where}.")]),
    )


def minutes_post(added: MinutesAdded) -> Message:
    mrkdwn, plain = _minutes_words(added)
    return Message(
        text=escape(f"📝 {plain}"),
        blocks=as_dicts([section(f"📝 {mrkdwn}, added by {person(added.added_by)}")]),
    )
