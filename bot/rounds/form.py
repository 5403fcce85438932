"""The "Open a round" form (from the coordinators' Home tab): a title, a due date and whom
to ask, as `/round open` takes them; errors shown under their fields, requests sent after
the ack."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk import WebClient

from bot.checks.forms import carried, carried_values, due_warning_error, due_warning_view
from bot.core import ids
from bot.core.access import tell_presser
from bot.core.blocks import context, done_view, input_block, plain_message, section
from bot.core.forms import field_errors, state_value
from bot.core.mrkdwn import escape
from bot.core.web_api.background import Background
from bot.rounds.blocks import unlisted_note
from bot.rounds.messenger import RoundMessenger
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError
from scheduling.language.dates import short_date
from scheduling.language.words import split_words
from scheduling.updates.rounds import MAX_TITLE_LENGTH, RoundService
from scheduling.workdays.checking import CalendarChecks

FIELD_BLOCKS = {"title": ids.ROUND_TITLE, "due": ids.ROUND_DUE, "audience": ids.ROUND_AUDIENCE}
DEFAULT_WEEKS = 3


def round_form(today: date) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.ROUND_FORM,
        "title": {"type": "plain_text", "text": "Open a round"},
        "submit": {"type": "plain_text", "text": "Open and ask"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            input_block(
                ids.ROUND_TITLE,
                "Title",
                {
                    "type": "plain_text_input",
                    "max_length": MAX_TITLE_LENGTH,
                    "placeholder": {"type": "plain_text", "text": "Annual Action Plan update"},
                },
            ),
            input_block(
                ids.ROUND_DUE,
                "Due date",
                {
                    "type": "datepicker",
                    "initial_date": (today + timedelta(weeks=DEFAULT_WEEKS)).isoformat(),
                },
            ),
            input_block(
                ids.ROUND_AUDIENCE,
                "Countries asked",
                {
                    "type": "plain_text_input",
                    "max_length": 500,
                    "placeholder": {
                        "type": "plain_text",
                        "text": "core countries, supporting countries, everyone, or names",
                    },
                },
                optional=True,
            ),
            context(
                "Empty means every country. The members of each asked country get a DM with a "
                "button to their update form as soon as you open the round."
            ).to_dict(),
        ],
    }


def open_form(web: WebClient, trigger_id: str, today: date) -> None:
    """Open the form at once: the trigger_id dies 3 s after the click."""
    web.views_open(trigger_id=trigger_id, view=round_form(today))


def opened_view(title: str, due: date, asked: int, unlisted: list[str]) -> dict[str, Any]:
    countries = "country" if asked == 1 else "countries"
    note = unlisted_note(unlisted, " Nobody can be asked for some: ")
    return done_view(
        "Round opened",
        [
            section(
                f"*{escape(title)}* is open, due {short_date(due)}. I am asking {asked} "
                f"{countries} by DM.{escape(note)}"
            )
        ],
    )


async def submit(
    ack: AsyncAck,
    view: dict[str, Any],
    caller: MemberProfile,
    rounds: RoundService,
    messenger: RoundMessenger,
    background: Background,
    checks: CalendarChecks,
) -> None:
    """Open the round; first, when the due date is a weekend or an asked country's holiday,
    push `/round open`'s warning over the form (`bot/checks/forms.py`)."""
    state = view.get("state", {}).get("values", {})
    title = (state_value(state, ids.ROUND_TITLE) or "").strip()
    picked = state_value(state, ids.ROUND_DUE)
    try:
        due = date.fromisoformat(picked or "")
    except ValueError:
        await ack(response_action="errors", errors={ids.ROUND_DUE: "Pick the due date."})
        return
    said = state_value(state, ids.ROUND_AUDIENCE) or ""
    try:
        # Read as `/round open … for …` reads them: "Bosnia and Herzegovina", quotes and all.
        words = [str(word) for word in split_words(said)]
        check_title(title)  # before any warning, so the warning is not in the way
        preview = await asyncio.to_thread(checks.round_due, caller, due, None, words)
    except FieldError as error:
        await ack(**field_errors(error, FIELD_BLOCKS, state, ids.ROUND_TITLE))
        return
    if preview.check is not None:
        # A title is at most 200 characters and the audience 500: this fits unless forged.
        metadata = carried({"title": title, "audience": said})
        if metadata is None:
            await ack(response_action="errors", errors={ids.ROUND_DUE: due_warning_error(preview)})
        else:
            await ack(response_action="push", view=due_warning_view(preview, metadata))
        return
    await _open(ack, caller, title, due, words, rounds, messenger, background, state)


async def submit_checked(
    ack: AsyncAck,
    view: dict[str, Any],
    caller: MemberProfile,
    rounds: RoundService,
    messenger: RoundMessenger,
    background: Background,
    web: WebClient,
) -> None:
    """The warning pushed over the form, submitted: open the round with the date chosen, as
    the form would, and close both views."""
    state = view.get("state", {}).get("values", {})
    said = carried_values(view)
    try:
        due = date.fromisoformat(state_value(state, ids.ROUND_CHECK_CHOICE) or "")
    except ValueError:
        await ack(response_action="errors", errors={ids.ROUND_CHECK_CHOICE: "Pick a due date."})
        return
    words = [str(word) for word in split_words(said.get("audience", ""))]
    title = said.get("title", "")
    await _open(ack, caller, title, due, words, rounds, messenger, background, None, web)


async def _open(
    ack: AsyncAck,
    caller: MemberProfile,
    title: str,
    due: date,
    words: list[str],
    rounds: RoundService,
    messenger: RoundMessenger,
    background: Background,
    state: dict[str, Any] | None,
    web: WebClient | None = None,
) -> None:
    """Open the round and send the requests; `state`: the form's (None: from the warning,
    which shows every error under its one field and closes with the form once done, so what
    was done is said in the coordinator's DM with me)."""
    try:
        requests = await asyncio.to_thread(rounds.open, caller, title, due, words)
    except FieldError as error:
        if state is None:
            errors = {ids.ROUND_CHECK_CHOICE: str(error)}
            await ack(response_action="errors", errors=errors)
        else:
            await ack(**field_errors(error, FIELD_BLOCKS, state, ids.ROUND_TITLE))
        return
    opened = requests.round
    if state is None:
        await ack(response_action="clear")
        if web is not None:
            asked = len(requests.asked)
            said = plain_message(
                f"Opened round #{opened.id} “{escape(opened.title)}”, due "
                f"{short_date(opened.due_on)}; asking {asked} "
                f"{'country' if asked == 1 else 'countries'} by DM."
            )
            background.messages.run(tell_presser, web, caller.slack_id, said, None)
    else:
        asked, unlisted = len(requests.asked), requests.unlisted
        await ack(
            response_action="update", view=opened_view(opened.title, opened.due_on, asked, unlisted)
        )
    background.messages.run(messenger.ask, requests)


def check_title(title: str) -> None:
    """The service's rule, checked before a warning is pushed over the form."""
    if not title or len(title) > MAX_TITLE_LENGTH:
        raise FieldError(f"A round needs a title of 1 to {MAX_TITLE_LENGTH} characters.", "title")
