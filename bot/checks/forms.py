"""The warnings of `blocks.py` over the round and meeting forms: the form's submission is
answered with `response_action: "push"` of a small view that says what is wrong with the
date and carries what the form said in its `private_metadata`; submitting it goes on with
the form's values (and, for a round, the due date chosen). Its close button ("Back",
"Change") pops the pushed view, and Slack shows the form again with its values as they were
typed: nothing to do here. When what the form said would not fit in `private_metadata`, the
form is not pushed over: the warning goes under its date field, so nothing typed is lost."""

from __future__ import annotations

import json
from typing import Any

from bot.checks.blocks import due_sentence, meeting_sentences, short_day
from bot.core import ids
from bot.core.blocks import context, input_block, option, section
from bot.core.mrkdwn import escape, truncate
from scheduling.workdays.checking import DuePreview, MeetingPreview

MAX_PRIVATE_METADATA = 3000  # Slack's limit, in characters
MAX_SAID = 300  # of a warning under a form's field


def carried(values: dict[str, str | None]) -> str | None:
    """What a form said, as `private_metadata`; None when it would not fit."""
    kept = {key: value for key, value in values.items() if value is not None}
    text = json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= MAX_PRIVATE_METADATA else None


def carried_values(view: dict[str, Any]) -> dict[str, str]:
    """What `carried` put in a pushed view's `private_metadata` ({} if it is not that)."""
    try:
        loaded = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {str(key): value for key, value in loaded.items() if isinstance(value, str)}


def as_state(values: dict[str, str]) -> dict[str, Any]:
    """Carried values as a form's `state.values`, each read back by `state_value` as text."""
    return {block: {block: {"type": "plain_text_input", "value": v}} for block, v in values.items()}


def due_warning_view(preview: DuePreview, metadata: str) -> dict[str, Any]:
    """`/round open`'s warning over the round form: Keep <date> or Move to <date> (chosen)."""
    check = preview.check
    assert check is not None
    keep = option(f"Keep {short_day(check.due)}", check.due.isoformat())
    move = option(f"Move to {short_day(check.suggestion)}", check.suggestion.isoformat())
    choice = {"type": "radio_buttons", "options": [keep, move], "initial_option": move}
    return {
        "type": "modal",
        "callback_id": ids.ROUND_CHECK_FORM,
        "title": {"type": "plain_text", "text": "Check the due date"},
        "submit": {"type": "plain_text", "text": "Open round"},
        "close": {"type": "plain_text", "text": "Back"},
        "private_metadata": metadata,
        "blocks": [
            section(escape(due_sentence(check, preview.names))).to_dict(),
            input_block(ids.ROUND_CHECK_CHOICE, "Due date", choice),
            context("Back returns to the form as you filled it in.").to_dict(),
        ],
    }


def due_warning_error(preview: DuePreview) -> str:
    """The warning under the due date when the form cannot be carried over."""
    assert preview.check is not None
    said = truncate(due_sentence(preview.check, preview.names).partition(" — ")[0], MAX_SAID)
    return f"{said}; pick another date, or type `/round open …` to keep it."


def meeting_warning_view(preview: MeetingPreview, metadata: str) -> dict[str, Any]:
    """`/meeting schedule`'s warning over the meeting form: Schedule anyway, or Change."""
    said = " ".join(meeting_sentences(preview))
    return {
        "type": "modal",
        "callback_id": ids.MEETING_CHECK_FORM,
        "title": {"type": "plain_text", "text": "Check the date"},
        "submit": {"type": "plain_text", "text": "Schedule anyway"},
        "close": {"type": "plain_text", "text": "Change"},
        "private_metadata": metadata,
        "blocks": [
            section(escape(f"{said} Schedule it anyway?")).to_dict(),
            context("Change returns to the form as you filled it in.").to_dict(),
        ],
    }


def meeting_warning_error(preview: MeetingPreview) -> str:
    """The warning's first sentence under the date when the form cannot be carried over."""
    first = truncate(meeting_sentences(preview)[0].removesuffix("."), MAX_SAID)
    return (
        f"{first}; pick another day or time, or type `/meeting schedule …` "
        "and press Confirm to keep it."
    )


def problem_view(title: str, said: str) -> dict[str, Any]:
    """A pushed view turned into what went wrong; Back returns to the form."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "close": {"type": "plain_text", "text": "Back"},
        "blocks": [section(escape(said)).to_dict()],
    }
