"""Channel canvases: one per channel, created with markdown and replaced whole, as
`conversations.canvases.create` and `canvases.edit` do; a workspace may not allow them."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from bot.local.emulator.conversations import ConversationMethods
from bot.local.emulator.params import _ApiError, _missing, _required_param, _text_param


@dataclass
class Canvas:
    id: str
    channel: str
    title: str
    markdown: str
    edits: int = 0


def _document(value: Any) -> str:
    """The markdown of a `document_content` ({"type": "markdown", "markdown": …})."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _ApiError("invalid_arguments", "[ERROR] document_content is not JSON") from None
    if not isinstance(value, dict) or value.get("type") != "markdown":
        raise _ApiError("invalid_arguments", "[ERROR] document_content must be markdown")
    markdown = value.get("markdown")
    if not isinstance(markdown, str):
        raise _ApiError("invalid_arguments", "[ERROR] document_content has no markdown")
    return markdown


class CanvasMethods(ConversationMethods):
    # A workspace on a plan without channel canvases answers as Slack does then.
    canvases_allowed = True

    def _canvas_store(self) -> dict[str, Canvas]:
        store: dict[str, Canvas] | None = getattr(self, "_canvas_by_id", None)
        if store is None:
            store = {}
            self._canvas_by_id = store
        return store

    def canvases(self) -> list[Canvas]:
        """Copies of the channel canvases, in the order they were made."""
        with self._lock:
            return [Canvas(**vars(canvas)) for canvas in self._canvas_store().values()]

    def _conversations_canvases_create(self, params: dict[str, Any]) -> dict[str, Any]:
        if not self.canvases_allowed:
            raise _ApiError("not_allowed", "[ERROR] this workspace does not allow canvases")
        channel = _required_param(params, "channel_id")
        if self._lookup_channel(channel) is None:
            raise _ApiError("channel_not_found", f"[ERROR] unknown channel: {channel}")
        store = self._canvas_store()
        if any(canvas.channel == channel for canvas in store.values()):
            raise _ApiError("channel_canvas_already_exists", "[ERROR] one canvas a channel")
        markdown = _document(params.get("document_content") or {"type": "markdown", "markdown": ""})
        canvas = Canvas(
            f"F{secrets.token_hex(5).upper()}",
            channel,
            _text_param(params, "title") or "",
            markdown,
        )
        store[canvas.id] = canvas
        return {"canvas_id": canvas.id}

    def _canvases_edit(self, params: dict[str, Any]) -> dict[str, Any]:
        canvas = self._canvas_store().get(_required_param(params, "canvas_id"))
        if canvas is None:
            raise _ApiError("canvas_not_found", "[ERROR] no such canvas")
        changes = params.get("changes")
        if isinstance(changes, str):
            changes = json.loads(changes)
        if not isinstance(changes, list) or len(changes) != 1:
            raise _ApiError("invalid_arguments", _missing("changes") + " (one change a call)")
        change = changes[0]
        if change.get("operation") != "replace" or "section_id" in change:
            raise _ApiError("invalid_arguments", "[ERROR] the emulator replaces whole canvases")
        canvas.markdown = _document(change.get("document_content"))
        canvas.edits += 1
        return {}
