"""Every button and form the bot answers, pressed or submitted by every kind of caller with
every kind of value (good, someone else's, stale, garbled): always a 200 and a reply, never
a traceback, and nothing changes that the caller may not change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.core import ids
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from storage.models import CountryUpdate, Delivery, Meeting, Round, Rsvp, UpdateRevision
from tests.support import logged_errors

COORDINATOR, PORTUGUESE, BULGARIAN, STRANGER = "U0COORD1", "U0PT", "U0BG", "U9STRANGER"
CALLERS = [COORDINATOR, PORTUGUESE, "U0FI", BULGARIAN, STRANGER]
BUTTONS = [*ids.RSVP_ACTIONS.values(), ids.UPDATE_EDIT, ids.UPDATE_SHOW_ALL, ids.ROUND_SUBMIT,
           ids.MEETING_CANCEL_PICK, ids.MEETING_CANCEL_CONFIRM, ids.MEETING_CANCEL_KEEP,
           ids.MEETING_CANCEL_UNDO, ids.ROUND_PICK, ids.ROUND_CLOSE_CONFIRM, ids.ROUND_CLOSE_KEEP,
           ids.ROUND_CLOSE_UNDO, ids.PAGE_MORE]  # fmt: skip
VALUES = [
    "", "x", "{}", "[]", "null", "true", "1", "²", "9" * 30, "-1", '{"m": 1}',
    '{"m": 1, "o": "1999-01-01T03:33:00", "r": 60}',
    '{"m": 1, "o": "2027-01-07T10:00:00", "r": 60}',
    '{"m": 99999999999, "o": "2027-01-07T10:00:00"}', '{"m": "1", "o": 5}',
    '{"round": 1}', '{"round": "x", "country": "ZZ"}', '{"country": "PT"}',
    '{"command": "/meeting", "text": "list", "after": [1]}',
    '{"command": "/update", "text": "list", "after": ["2027-01-04T09:00:00+00:00", 9]}',
    '{"command": "/action", "text": "list all", "after": [null, "x", 1]}',
    '{"command": "/meeting", "text": "cancel 1", "after": [1]}',
    '{"command": "/update", "text": "", "after": [1]}',
]  # fmt: skip
METADATA = [
    "", "{", "[]", "null", '"text"', '{"update_id": "x"}', '{"update_id": 1, "version": "x"}',
    '{"update_id": 99999999999}', '{"update_id": 1, "version": 1}', '{"country": "ZZ"}',
    '{"country": "PT"}', '{"country": ["PT"]}',
]  # fmt: skip
STATE_VALUES = ["", "x", "2027-01-07", "2027-02-30", "10:00", "25:61", "1h", "99999999999w",
                "webinar", "nonsense", "PT", "ZZ", "1", "-1", ids.NO_ROUND, "Europe/Vienna",
                "every other tue", "1 day, 2 hours", "90 min", "core", "all", "wp-lead", "none",
                "https://zoom.example/j/1", "every first thursday"]  # fmt: skip


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))


@pytest.fixture
def seeded(workspace: LocalWorkspace) -> Iterator[LocalWorkspace]:
    """An update of Portugal's (#1) and an open round (#1), for buttons to point at."""
    assert workspace.command(PORTUGUESE, "/update The pilot started").status == 200
    opened = workspace.command(COORDINATOR, '/round open "Winter call" due 2027-02-01 for PT FI')
    assert opened.status == 200
    yield workspace


def counts(workspace: LocalWorkspace) -> dict[str, int]:
    with workspace.database.read() as work:
        session = work.session
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (CountryUpdate, UpdateRevision, Rsvp, Meeting, Round, Delivery)
        }


def replied_without_error(workspace: LocalWorkspace, send: Any) -> Any:
    with logged_errors() as errors:
        exchange = send()
        workspace.executor.wait_idle()
    assert exchange.status == 200
    assert [r.getMessage() for r in errors] == []
    assert "something went wrong" not in json.dumps(exchange.ack).lower()
    return exchange


SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(
    caller=st.sampled_from(CALLERS),
    action=st.sampled_from(BUTTONS),
    value=st.one_of(st.sampled_from(VALUES), st.text(max_size=40)),
)
def test_any_button_with_any_value_from_anyone_gets_a_reply(
    seeded: LocalWorkspace, caller: str, action: str, value: str
) -> None:
    before = counts(seeded)
    replied_without_error(seeded, lambda: seeded.click(caller, action, value))
    after = counts(seeded)
    # Only an RSVP may change anything, and only by one answer of a member's.
    changed = {k for k in before if before[k] != after[k]}
    assert changed <= {"rsvps"}
    if changed:
        assert caller != STRANGER and action in ids.RSVP_ACTIONS.values()


UPDATE_BLOCKS = [ids.update_field_block(name) for name in ("achievements", "needs", "note")]
MEETING_BLOCKS = [ids.MEETING_KIND, ids.MEETING_TITLE, ids.MEETING_DATE, ids.MEETING_TIME,
                  ids.MEETING_DURATION, ids.MEETING_REPEAT, ids.MEETING_ZONE, ids.MEETING_CHANNEL,
                  ids.MEETING_LOCATION, ids.MEETING_LINK, ids.MEETING_AUDIENCE,
                  ids.MEETING_REMINDERS]  # fmt: skip


def as_state(values: dict[str, str]) -> dict[str, Any]:
    """Form values as Slack sends them: text inputs, selects, date and time pickers."""
    state: dict[str, Any] = {}
    for block, text in values.items():
        state[block] = {
            block: {
                "type": "plain_text_input",
                "value": text,
                "selected_option": {"value": text},
                "selected_date": text,
                "selected_time": text,
            }
        }
    return state


@SETTINGS
@given(
    caller=st.sampled_from(CALLERS),
    metadata=st.one_of(st.sampled_from(METADATA), st.text(max_size=30)),
    values=st.dictionaries(
        st.sampled_from([*UPDATE_BLOCKS, ids.UPDATE_COUNTRY, ids.UPDATE_ROUND]),
        st.one_of(st.sampled_from(STATE_VALUES), st.text(max_size=20)),
    ),
)
def test_any_update_form_from_anyone_gets_a_reply(
    seeded: LocalWorkspace, caller: str, metadata: str, values: dict[str, str]
) -> None:
    view = {"id": "V0FORM", "type": "modal", "callback_id": ids.UPDATE_FORM,
            "private_metadata": metadata, "blocks": []}  # fmt: skip
    before = counts(seeded)
    replied_without_error(seeded, lambda: seeded.submit_view(caller, view, as_state(values)))
    after = counts(seeded)
    if caller == STRANGER:
        assert after == before


@SETTINGS
@given(
    caller=st.sampled_from(CALLERS),
    values=st.dictionaries(
        st.sampled_from(MEETING_BLOCKS),
        st.one_of(st.sampled_from(STATE_VALUES), st.text(max_size=20)),
    ),
)
def test_any_meeting_form_from_anyone_gets_a_reply_and_only_coordinators_schedule(
    seeded: LocalWorkspace, caller: str, values: dict[str, str]
) -> None:
    view = {"id": "V0FORM", "type": "modal", "callback_id": ids.MEETING_MODAL,
            "private_metadata": "", "blocks": []}  # fmt: skip
    before = counts(seeded)
    replied_without_error(seeded, lambda: seeded.submit_view(caller, view, as_state(values)))
    if caller != COORDINATOR:
        assert counts(seeded) == before
