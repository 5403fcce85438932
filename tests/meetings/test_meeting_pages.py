"""Long answers page, end to end through the signed Bolt app: `/meeting list` and `/meeting
topics` show their first page in the ack with "Showing 1–20 of N" and More; More answers the
next page by response_url in place of the page before; the last page has no More; a page
keeps Slack's limits however long what it shows is; a button pressed after the list changed
still answers sensibly; a forged one is refused like the command it carries; and a page's
database read costs the same however many series are stored."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import event, func, select

from bot.core import ids
from bot.core.paging import Paging, page_footer
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.meetings.mapping import refresh_next_instants
from scheduling.paging import Page
from storage.models import Meeting
from tests.support import buttons_of

COORDINATOR, PORTUGUESE = "U0COORD1", "U0PT"
EXAMPLE_SERIES = 6  # in examples/capacities.yaml


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))


def store_series(workspace: LocalWorkspace, count: int, title: str = "Series {n}") -> None:
    """`count` weekly series more, straight into the database (as an import would)."""
    now = workspace.clock.now()
    with workspace.database.write() as work:
        stored = work.session.scalar(select(func.count()).select_from(Meeting)) or 0
        for n in range(count):
            meeting = Meeting(
                uid=f"paged-{stored + n}@test",
                kind="webinar",
                title=title.format(n=n),
                rrule="FREQ=WEEKLY;BYDAY=TU",
                starts_local=datetime(2025, 1, 7, 10, 0) + timedelta(days=7 * (n % 5)),
                all_day=False,
                duration_minutes=60,
                timezone="Europe/Vienna",
                audience="all",
                reminder_minutes=[],
                sequence=0,
                created_at=now,
                updated_at=now,
            )
            work.meetings.add(meeting)
            refresh_next_instants(meeting, now)


def shown(exchange: Exchange) -> dict[str, Any]:
    """The message an exchange answered with: its ack, else its last response_url reply."""
    replies = [c.params for c in exchange.calls if c.method == "response_url"]
    message = replies[-1] if replies else exchange.ack
    assert isinstance(message, dict), exchange
    return message


def numbers(message: dict[str, Any]) -> list[int]:
    """The series numbers a page of `/meeting list` shows, in order."""
    texts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    return [int(n) for n in re.findall(r"^\*#(\d+)\*", "\n".join(texts), re.MULTILINE)]


def footer(message: dict[str, Any]) -> str:
    contexts = [b for b in message["blocks"] if b["type"] == "context"]
    return contexts[-1]["elements"][0]["text"] if contexts else ""


def more(workspace: LocalWorkspace, user: str, exchange: Exchange) -> Exchange:
    """Press More under the page an exchange answered with."""
    (value,) = [v for a, v in buttons_of(exchange) if a == ids.PAGE_MORE]
    return workspace.click(user, ids.PAGE_MORE, value)


def has_more(exchange: Exchange) -> bool:
    return any(a == ids.PAGE_MORE for a, _ in buttons_of(exchange))


def test_a_list_that_fits_one_page_is_answered_as_before(workspace: LocalWorkspace) -> None:
    listed = workspace.command(PORTUGUESE, "/meeting list")
    assert numbers(shown(listed)) == list(range(1, EXAMPLE_SERIES + 1))
    assert not has_more(listed) and "Showing" not in json.dumps(listed.ack)
    assert listed.ack_text == f"{EXAMPLE_SERIES} meetings scheduled"


def test_the_first_page_is_in_the_ack_and_more_shows_the_next_in_its_place(
    workspace: LocalWorkspace,
) -> None:
    store_series(workspace, 39)  # 45 in all: pages of 20, 20 and 5
    first = workspace.command(PORTUGUESE, "/meeting list")
    assert first.calls == []  # the first page is the ack itself
    assert numbers(shown(first)) == list(range(1, 21))
    assert footer(shown(first)) == "Showing 1–20 of 45"
    assert first.ack_text == "45 meetings scheduled"

    second = more(workspace, PORTUGUESE, first)
    assert second.ack == ""  # the button is acked at once; the page goes by response_url
    (reply,) = [c.params for c in second.calls if c.method == "response_url"]
    assert reply["replace_original"] is True and reply["response_type"] == "ephemeral"
    assert numbers(reply) == list(range(21, 41))
    assert footer(reply) == "Showing 21–40 of 45"
    assert reply["blocks"][0]["text"]["text"] == "Meetings"  # the same answer, its next page

    last = more(workspace, PORTUGUESE, second)
    assert numbers(shown(last)) == list(range(41, 46))
    assert footer(shown(last)) == "Showing 41–45 of 45"
    assert not has_more(last)


def test_more_after_the_list_changed_goes_on_from_where_the_page_ended(
    workspace: LocalWorkspace,
) -> None:
    store_series(workspace, 39)
    first = workspace.command(PORTUGUESE, "/meeting list")
    # Meanwhile #3 (shown already) and #21, #22 (not yet) are cancelled, and one is added.
    for meeting_id in (3, 21, 22):
        confirmed = workspace.command(COORDINATOR, f"/meeting cancel {meeting_id}")
        (value,) = [v for a, v in buttons_of(confirmed) if a == ids.MEETING_CANCEL_CONFIRM]
        workspace.click(COORDINATOR, ids.MEETING_CANCEL_CONFIRM, value)
    store_series(workspace, 1, "Added since")
    second = more(workspace, PORTUGUESE, first)
    assert numbers(shown(second)) == list(range(23, 43))
    # 43 live now; 19 of them come before this page (those up to #20, less #3).
    assert footer(shown(second)) == "Showing 20–39 of 43"
    last = more(workspace, PORTUGUESE, second)
    assert numbers(shown(last)) == [43, 44, 45, 46]
    assert not has_more(last)


def test_more_when_nothing_is_left_after_the_page_says_so(workspace: LocalWorkspace) -> None:
    store_series(workspace, 20)
    first = workspace.command(PORTUGUESE, "/meeting list")
    with workspace.database.write() as work:
        for meeting in work.meetings.all():
            if meeting.id > 20:
                meeting.cancelled_at = workspace.clock.now()
    reply = shown(more(workspace, PORTUGUESE, first))
    assert reply["text"].startswith("Nothing more to show: the list has changed since (20 in all")


def test_a_page_of_the_longest_titles_keeps_within_slacks_limits(
    workspace: LocalWorkspace,
) -> None:
    # 500 characters a title, each `&` five once escaped: a section could not hold two.
    store_series(workspace, 45, title="R&D " * 124 + "{n:04}")
    pages = [workspace.command(PORTUGUESE, "/meeting list")]
    while has_more(pages[-1]):
        pages.append(more(workspace, PORTUGUESE, pages[-1]))
    assert len(pages) == 3
    for page in pages:
        message = shown(page)
        assert len(message["blocks"]) <= 50
        for block in message["blocks"]:
            # slack_sdk's own models check every limit when they build the same block.
            parsed = Block.parse(block)
            assert parsed is not None and parsed.to_dict() == block
    # The emulator checks what comes by response_url as Slack does: it took both pages.
    replies = [c for page in pages[1:] for c in page.calls if c.method == "response_url"]
    assert [c.response.get("ok") for c in replies] == [True, True]
    seen = [n for page in pages for n in numbers(shown(page))]
    assert seen == list(range(1, 52))


def test_a_command_too_long_for_a_button_says_to_narrow_it_down_instead_of_more() -> None:
    page = Page(tuple(range(20)), 0, 45, (20,))
    fits = page_footer(Paging("/update", "list Portugal"), page)
    assert [b["type"] for b in fits] == ["context", "actions"]
    assert len(fits[1]["elements"][0]["value"]) <= 2000
    (too_long,) = page_footer(Paging("/update", "list " + "x" * 2000), page)
    assert too_long["elements"][0]["text"].startswith("Showing 1–20 of 45: the command is too")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "{}",
        '{"command": "/meeting", "text": "list"}',
        '{"command": "/meeting", "text": "list", "after": "x"}',
        '{"command": "/meeting", "text": "list", "after": [true]}',
        '{"command": "/meeting", "text": "list", "after": [' + "1," * 9 + "1]}",
    ],
)
def test_a_garbled_more_button_answers_that_it_no_longer_works(
    workspace: LocalWorkspace, value: str
) -> None:
    pressed = workspace.click(PORTUGUESE, ids.PAGE_MORE, value)
    assert pressed.status == 200
    assert "no longer works" in shown(pressed)["text"]


def test_a_key_the_list_could_not_have_written_is_refused_by_the_list(
    workspace: LocalWorkspace,
) -> None:
    value = json.dumps({"command": "/meeting", "text": "list", "after": ["x", 1]})
    pressed = workspace.click(PORTUGUESE, ids.PAGE_MORE, value)
    assert "no longer works" in shown(pressed)["text"]


def test_more_carrying_a_coordinators_command_is_refused_at_the_door(
    workspace: LocalWorkspace,
) -> None:
    value = json.dumps({"command": "/meeting", "text": "cancel 1", "after": [1]})
    pressed = workspace.click(PORTUGUESE, ids.PAGE_MORE, value)
    refusals = [c.params for c in pressed.calls if c.method == "chat.postEphemeral"]
    assert refusals and refusals[0]["text"].startswith("Only coordinators can change meetings")
    with workspace.database.read() as work:
        assert work.meetings.is_live(1)


def test_topics_page_and_more_carries_the_listing_not_the_drop(
    workspace: LocalWorkspace,
) -> None:
    for n in range(25):
        proposed = workspace.command(PORTUGUESE, f'/meeting propose 2 "Topic {n:02}"')
        assert "Topic" in proposed.ack_text, proposed.ack_text
    dropped = workspace.command(COORDINATOR, "/meeting topics 2 drop 1")
    assert footer(shown(dropped)) == "Showing 1–20 of 24"
    (value,) = [v for a, v in buttons_of(dropped) if a == ids.PAGE_MORE]
    assert json.loads(value)["text"].startswith("topics 2 on ")
    second = more(workspace, COORDINATOR, dropped)
    message = shown(second)
    assert footer(message) == "Showing 21–24 of 24" and not has_more(second)
    assert len([b for b in message["blocks"] if b["type"] == "actions"]) == 4
    with workspace.database.read() as work:  # More dropped nothing more
        assert len(work.agendas.topics(2, _next_original(workspace))) == 24


def _next_original(workspace: LocalWorkspace) -> datetime:
    series = workspace.services.meetings.get(2)
    upcoming = workspace.services.meetings.next_of(series)
    assert upcoming is not None
    return upcoming.original_local


@contextmanager
def _statements(workspace: LocalWorkspace) -> Iterator[list[str]]:
    found: list[str] = []

    def count(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        found.append(statement)

    event.listen(workspace.database.engine, "before_cursor_execute", count)
    try:
        yield found
    finally:
        event.remove(workspace.database.engine, "before_cursor_execute", count)


def test_a_page_reads_as_much_with_twenty_times_as_many_series(
    workspace: LocalWorkspace,
) -> None:
    store_series(workspace, 40)
    first = workspace.command(PORTUGUESE, "/meeting list")
    with _statements(workspace) as small:
        more(workspace, PORTUGUESE, first)
    store_series(workspace, 19 * 46)
    with workspace.database.read() as work:
        assert work.session.scalar(select(func.count()).select_from(Meeting)) == 20 * 46
    first = workspace.command(PORTUGUESE, "/meeting list")
    with _statements(workspace) as large:
        second = more(workspace, PORTUGUESE, first)
    assert footer(shown(second)) == "Showing 21–40 of 920"
    assert len(large) == len(small)
