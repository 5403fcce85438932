"""Reading what a person put into a modal, and putting errors back under the right input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scheduling.errors import FieldError


def state_value(state: Mapping[str, Any], block_id: str) -> str | None:
    """The value of the input `block_id` (whose action ID is the same), whatever its kind."""
    element = state.get(block_id, {}).get(block_id, {})
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons"):
        value = (element.get("selected_option") or {}).get("value")
    elif kind == "datepicker":
        value = element.get("selected_date")
    elif kind == "timepicker":
        value = element.get("selected_time")
    elif kind == "conversations_select":
        value = element.get("selected_conversation")
    elif kind == "users_select":
        value = element.get("selected_user")
    else:
        value = element.get("value")
    return value if isinstance(value, str) else None


def field_errors(
    error: FieldError, blocks: Mapping[str, str], state: Mapping[str, Any], default: str
) -> dict[str, Any]:
    """The ack that shows `error` under the input for its field (`blocks` maps fields to block
    IDs), or under `default` when the form has no input for that field."""
    block = blocks.get(error.field or "", default)
    if block not in state:
        block = default
    return {"response_action": "errors", "errors": {block: str(error)}}
