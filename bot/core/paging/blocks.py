"""The blocks of a page: its entries packed into sections, and the footer that says where the
page stands and offers the next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.core import ids
from bot.core.blocks import MAX_SECTION_TEXT, Message, as_dicts, context, plain_message, section
from bot.core.mrkdwn import truncate
from bot.core.paging.more import Paging
from scheduling.paging import Page

# Blocks the footer adds at most: where the page stands, and More.
FOOTER_BLOCKS = 2


def page_footer(paging: Paging, page: Page[Any]) -> list[dict[str, Any]]:
    """ "Showing 21–40 of 143" and a More button while more follow; nothing when the page is
    the whole list."""
    if page.whole or not page.items:
        return []
    shown = f"Showing {page.first}–{page.last} of {page.total}"
    value = paging.more_value(page.next_after) if page.next_after is not None else None
    if page.next_after is not None and value is None:
        shown += ": the command is too long for a button to carry, so narrow it down for more"
    blocks: list[Block] = [context(shown)]
    if value is not None:
        more = ButtonElement(
            text="More",
            action_id=ids.PAGE_MORE,
            value=value,
            accessibility_label=f"Show more after the first {page.last} of {page.total}",
        )
        blocks.append(ActionsBlock(block_id="page-more", elements=[more]))
    return as_dicts(blocks)


def entry_sections(entries: Sequence[str]) -> list[Block]:
    """Entries (escaped mrkdwn, a line or a few each) packed into sections in order, each
    entry whole in one section (trimmed to fit one), so never more sections than entries."""
    sections: list[str] = []
    for entry in entries:
        entry = truncate(entry, MAX_SECTION_TEXT)
        if sections and len(sections[-1]) + 1 + len(entry) <= MAX_SECTION_TEXT:
            sections[-1] += "\n" + entry
        else:
            sections.append(entry)
    return [section(text) for text in sections]


def nothing_more(total: int) -> Message:
    """A page after the last: the list changed since the page before was drawn."""
    return plain_message(
        f"Nothing more to show: the list has changed since ({total} in all now). "
        "Type the command again to see it from the start."
    )
