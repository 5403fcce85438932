"""Block Kit and view validation: Slack's limits and error messages, by JSON pointer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.local.emulator.limits import (
    KNOWN_BLOCK_TYPES,
    MAX_ACTIONS_ELEMENTS,
    MAX_BUTTON_TEXT_CHARS,
    MAX_BUTTON_URL_CHARS,
    MAX_BUTTON_VALUE_CHARS,
    MAX_CONTEXT_ELEMENTS,
    MAX_HEADER_TEXT_CHARS,
    MAX_ID_CHARS,
    MAX_INPUT_LABEL_CHARS,
    MAX_PRIVATE_METADATA_CHARS,
    MAX_SECTION_FIELD_CHARS,
    MAX_SECTION_FIELDS,
    MAX_SECTION_TEXT_CHARS,
    MAX_VIEW_BLOCKS,
    MAX_VIEW_TITLE_CHARS,
)


class _Problems:
    """Collects Slack-style validation messages while walking a payload."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.messages)

    def add(self, pointer: str, what: str) -> None:
        self.messages.append(f"[ERROR] {what} [json-pointer:{pointer}]")

    def check_length(self, value: Any, limit: int, pointer: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(pointer, f"must be less than {limit + 1} characters")

    def check_count(self, items: Any, limit: int, pointer: str) -> list[Any]:
        if not isinstance(items, list):
            self.add(pointer, "must be an array")
            return []
        if len(items) > limit:
            self.add(pointer, f"must be less than {limit + 1} items")
        return items


def _check_text_object(
    text: Any, pointer: str, limit: int, problems: _Problems, *, plain_only: bool = False
) -> None:
    if not isinstance(text, dict):
        problems.add(pointer, "must be a text object")
        return
    allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    if text.get("type") not in allowed:
        problems.add(f"{pointer}/type", f"must be one of {', '.join(allowed)}")
    value = text.get("text")
    if not isinstance(value, str) or not value:
        problems.add(f"{pointer}/text", "must be more than 0 characters")
        return
    problems.check_length(value, limit, f"{pointer}/text")


def _check_element(element: Any, pointer: str, problems: _Problems) -> None:
    if not isinstance(element, dict):
        problems.add(pointer, "must be an element object")
        return
    if not isinstance(element.get("type"), str):
        problems.add(f"{pointer}/type", "missing required field: type")
        return
    problems.check_length(element.get("action_id"), MAX_ID_CHARS, f"{pointer}/action_id")
    if element["type"] == "button":
        _check_text_object(
            element.get("text"), f"{pointer}/text", MAX_BUTTON_TEXT_CHARS, problems, plain_only=True
        )
        problems.check_length(element.get("value"), MAX_BUTTON_VALUE_CHARS, f"{pointer}/value")
        problems.check_length(element.get("url"), MAX_BUTTON_URL_CHARS, f"{pointer}/url")


def _check_section(block: dict[str, Any], pointer: str, problems: _Problems) -> None:
    text, fields = block.get("text"), block.get("fields")
    if text is None and not fields:
        problems.add(pointer, "must provide either text or fields")
    if text is not None:
        _check_text_object(text, f"{pointer}/text", MAX_SECTION_TEXT_CHARS, problems)
    if fields is not None:
        checked = problems.check_count(fields, MAX_SECTION_FIELDS, f"{pointer}/fields")
        for index, item in enumerate(checked):
            _check_text_object(item, f"{pointer}/fields/{index}", MAX_SECTION_FIELD_CHARS, problems)
    if block.get("accessory") is not None:
        _check_element(block["accessory"], f"{pointer}/accessory", problems)


def _check_header(block: dict[str, Any], pointer: str, problems: _Problems) -> None:
    _check_text_object(
        block.get("text"), f"{pointer}/text", MAX_HEADER_TEXT_CHARS, problems, plain_only=True
    )


def _check_actions(block: dict[str, Any], pointer: str, problems: _Problems) -> None:
    elements = problems.check_count(
        block.get("elements"), MAX_ACTIONS_ELEMENTS, f"{pointer}/elements"
    )
    for index, element in enumerate(elements):
        _check_element(element, f"{pointer}/elements/{index}", problems)


def _check_context(block: dict[str, Any], pointer: str, problems: _Problems) -> None:
    problems.check_count(block.get("elements"), MAX_CONTEXT_ELEMENTS, f"{pointer}/elements")


def _check_input(block: dict[str, Any], pointer: str, problems: _Problems) -> None:
    _check_text_object(
        block.get("label"), f"{pointer}/label", MAX_INPUT_LABEL_CHARS, problems, plain_only=True
    )
    _check_element(block.get("element"), f"{pointer}/element", problems)


def _check_image(block: dict[str, Any], pointer: str, problems: _Problems) -> None:
    if not block.get("alt_text"):
        problems.add(f"{pointer}/alt_text", "must be more than 0 characters")
    if not block.get("image_url") and not block.get("slack_file"):
        problems.add(pointer, "must provide either image_url or slack_file")


_BLOCK_CHECKS: dict[str, Callable[[dict[str, Any], str, _Problems], None]] = {
    "actions": _check_actions,
    "context": _check_context,
    "header": _check_header,
    "image": _check_image,
    "input": _check_input,
    "section": _check_section,
}


def _check_blocks(blocks: Any, pointer: str, max_blocks: int, problems: _Problems) -> None:
    seen_block_ids: set[str] = set()
    for index, block in enumerate(problems.check_count(blocks, max_blocks, pointer)):
        here = f"{pointer}/{index}"
        if not isinstance(block, dict):
            problems.add(here, "must be an object")
            continue
        block_type = block.get("type")
        if not isinstance(block_type, str):
            problems.add(f"{here}/type", "missing required field: type")
            continue
        if block_type not in KNOWN_BLOCK_TYPES:
            problems.add(f"{here}/type", f"unsupported block type: {block_type}")
            continue
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            problems.check_length(block_id, MAX_ID_CHARS, f"{here}/block_id")
            if block_id in seen_block_ids:
                problems.add(f"{here}/block_id", f"duplicate block_id: {block_id}")
            seen_block_ids.add(block_id)
        check = _BLOCK_CHECKS.get(block_type)
        if check is not None:
            check(block, here, problems)


def _view_problems(view: Any, allowed_types: tuple[str, ...]) -> list[str]:
    problems = _Problems()
    if not isinstance(view, dict):
        problems.add("/view", "must be a view object")
        return problems.messages
    view_type = view.get("type")
    if view_type not in allowed_types:
        problems.add("/view/type", f"must be one of {', '.join(allowed_types)}")
        return problems.messages
    if view_type == "modal":
        _check_text_object(
            view.get("title"), "/view/title", MAX_VIEW_TITLE_CHARS, problems, plain_only=True
        )
        for button in ("submit", "close"):
            if view.get(button) is not None:
                _check_text_object(
                    view[button], f"/view/{button}", MAX_VIEW_TITLE_CHARS, problems, plain_only=True
                )
        blocks = view.get("blocks")
        has_inputs = isinstance(blocks, list) and any(
            isinstance(block, dict) and block.get("type") == "input" for block in blocks
        )
        if has_inputs and view.get("submit") is None:
            problems.add("/view/submit", "must provide a submit property when using input blocks")
    problems.check_length(
        view.get("private_metadata"), MAX_PRIVATE_METADATA_CHARS, "/view/private_metadata"
    )
    problems.check_length(view.get("callback_id"), MAX_ID_CHARS, "/view/callback_id")
    problems.check_length(view.get("external_id"), MAX_ID_CHARS, "/view/external_id")
    _check_blocks(view.get("blocks", []), "/view/blocks", MAX_VIEW_BLOCKS, problems)
    return problems.messages


def filled_values(
    view: dict[str, Any],
    texts: dict[str, str],
    choices: dict[str, str] | None = None,
    ticked: Sequence[str] = (),
) -> dict[str, Any]:
    """`view.state.values` of a form filled in as a person would: `texts` by block ID for
    text inputs, `choices` (option values) for selects, every box of the `ticked` blocks'
    checkboxes; the rest keeps its initial value."""
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        block_id, element = block["block_id"], block["element"]
        kind = element["type"]
        if kind == "static_select":
            wanted = (choices or {}).get(block_id)
            chosen = element.get("initial_option")
            if wanted is not None:
                chosen = next(o for o in element["options"] if o["value"] == wanted)
            values[block_id] = {block_id: {"type": kind, "selected_option": chosen}}
        elif kind == "plain_text_input":
            text = texts.get(block_id, element.get("initial_value"))
            values[block_id] = {block_id: {"type": kind, "value": text}}
        elif kind == "checkboxes":
            boxes = element["options"] if block_id in ticked else []
            values[block_id] = {block_id: {"type": kind, "selected_options": boxes}}
    return values
