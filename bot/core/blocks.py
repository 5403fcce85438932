"""Block Kit helpers every feature builds with. Each builder returns a `Message` (top-level text
plus blocks) or a view dict.

Blocks are built from slack_sdk's models, whose validators enforce Slack's limits when
`to_dict()` runs; user text is escaped before it reaches mrkdwn and trimmed to fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.core.mrkdwn import escape, truncate

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_OPTION_TEXT = 75
MAX_MODAL_TITLE = 24


@dataclass(frozen=True)
class Message:
    """A message ready to send: the `text` notifications and screen readers read, and blocks."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("every message needs a meaningful top-level text")
        if len(self.blocks) > MAX_MESSAGE_BLOCKS:
            raise ValueError(f"{len(self.blocks)} blocks exceed Slack's {MAX_MESSAGE_BLOCKS}")

    def as_ephemeral(self) -> dict[str, Any]:
        """The body of an ack or response_url reply only the caller sees."""
        return {"response_type": "ephemeral", "text": self.text, "blocks": self.blocks}


def as_dicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=truncate(text, MAX_HEADER_TEXT), emoji=True))


def section(mrkdwn: str, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=truncate(mrkdwn, MAX_SECTION_TEXT)), block_id=block_id
    )


def context(*mrkdwn: str) -> ContextBlock:
    return ContextBlock(
        elements=[MarkdownTextObject(text=truncate(t, MAX_SECTION_TEXT)) for t in mrkdwn][
            :MAX_CONTEXT_ELEMENTS
        ]
    )


def input_block(
    block_id: str, label: str, element: dict[str, Any], optional: bool = False
) -> dict[str, Any]:
    """A form input whose action ID is its block ID, so state values are easy to read back."""
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {"action_id": block_id, **element},
    }


def option(text: str, value: str) -> dict[str, Any]:
    """A select option within Slack's 75-character text limit."""
    return {"text": {"type": "plain_text", "text": truncate(text, MAX_OPTION_TEXT)}, "value": value}


def plain_message(text: str) -> Message:
    """A one-section reply; `text` is escaped, so it may hold what a user typed."""
    return Message(text=escape(text), blocks=as_dicts([section(escape(text))]))


def section_texts(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Cut already-escaped mrkdwn into section-sized pieces, at line breaks where it can."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        pieces = (
            [line]
            if len(line) <= limit
            else [line[i : i + limit] for i in range(0, len(line), limit)]
        )
        for piece in pieces:
            if current and len(current) + 1 + len(piece) > limit:
                chunks.append(current)
                current = piece
            else:
                current = f"{current}\n{piece}" if current else piece
    if current:
        chunks.append(current)
    return chunks


def pages(blocks: Sequence[Block], limit: int = MAX_MESSAGE_BLOCKS) -> list[list[Block]]:
    """Blocks cut into messages of at most `limit` blocks each."""
    found: list[list[Block]] = [[]]
    for block in blocks:
        if len(found[-1]) >= limit:
            found.append([])
        found[-1].append(block)
    return found


def done_view(title: str, blocks: Sequence[Block | dict[str, Any]]) -> dict[str, Any]:
    """What a form turns into once its submission is done: a title, what happened, Done."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": truncate(title, MAX_MODAL_TITLE)},
        "close": {"type": "plain_text", "text": "Done"},
        "blocks": [b.to_dict() if isinstance(b, Block) else b for b in blocks],
    }
