"""`/update list` and `/update mine` page through signed requests: the latest first, ten (or
twenty of one's own) a page, More for the next in place of the page before, nothing twice
and nothing missed when an update is posted between pages."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core import ids
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from tests.support import buttons_of

PORTUGUESE, FINNISH = "U0PT", "U0FI"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2025, 10, 6, 9, 0, tzinfo=UTC))


def post_notes(workspace: LocalWorkspace, clock: FixedClock, count: int) -> None:
    """`count` notes of Portugal's, two a minute (so pages also split notes of one instant)."""
    profile = workspace.services.directory.profile(PORTUGUESE)
    assert profile is not None
    for n in range(count):
        workspace.services.updates.note(profile, f"Note {n}")
        if n % 2:
            clock.advance(timedelta(minutes=1))


def shown(exchange: Exchange) -> dict[str, Any]:
    replies = [c.params for c in exchange.calls if c.method == "response_url"]
    message = replies[-1] if replies else exchange.ack
    assert isinstance(message, dict), exchange
    return message


def update_numbers(message: dict[str, Any]) -> list[int]:
    texts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    return [int(n) for n in re.findall(r"\* #(\d+) ·", "\n".join(texts))]


def footer(message: dict[str, Any]) -> str:
    contexts = [b for b in message["blocks"] if b["type"] == "context"]
    return contexts[-1]["elements"][0]["text"] if contexts else ""


def more(workspace: LocalWorkspace, user: str, exchange: Exchange) -> Exchange | None:
    values = [v for a, v in buttons_of(exchange) if a == ids.PAGE_MORE]
    return workspace.click(user, ids.PAGE_MORE, values[0]) if values else None


def every_page(workspace: LocalWorkspace, user: str, line: str) -> list[dict[str, Any]]:
    pages = [workspace.command(user, line)]
    while (following := more(workspace, user, pages[-1])) is not None:
        pages.append(following)
    return [shown(page) for page in pages]


def test_the_latest_ten_first_then_ten_older_a_page(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    post_notes(workspace, clock, 25)
    pages = every_page(workspace, FINNISH, "/update list")
    assert [update_numbers(p) for p in pages] == [
        list(range(25, 15, -1)),
        list(range(15, 5, -1)),
        list(range(5, 0, -1)),
    ]
    assert [footer(p) for p in pages] == [
        "Showing 1–10 of 25",
        "Showing 11–20 of 25",
        "Showing 21–25 of 25",
    ]
    assert pages[0]["text"].startswith("Recent updates: Portugal #25: Note 24")
    by_country = every_page(workspace, FINNISH, "/update list Portugal")
    assert [update_numbers(p) for p in by_country] == [update_numbers(p) for p in pages]


def test_ones_own_twenty_a_page_each_with_edit(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    post_notes(workspace, clock, 25)
    pages = every_page(workspace, PORTUGUESE, "/update mine")
    assert [len(update_numbers(p)) for p in pages] == [20, 5]
    edits = [v for p in pages for b in p["blocks"] if (v := b.get("accessory", {}).get("value"))]
    assert edits == [str(n) for n in range(25, 0, -1)]


def test_an_update_posted_between_pages_is_not_shown_twice_nor_shifts_the_next(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    post_notes(workspace, clock, 15)
    first = workspace.command(FINNISH, "/update list")
    post_notes(workspace, clock, 1)  # #16, the latest now
    second = more(workspace, FINNISH, first)
    assert second is not None
    assert update_numbers(shown(second)) == [5, 4, 3, 2, 1]
    assert footer(shown(second)) == "Showing 12–16 of 16"


def test_a_short_list_has_no_footer(workspace: LocalWorkspace, clock: FixedClock) -> None:
    post_notes(workspace, clock, 3)
    listed = workspace.command(FINNISH, "/update list")
    assert update_numbers(shown(listed)) == [3, 2, 1]
    assert footer(shown(listed)) == "" and more(workspace, FINNISH, listed) is None


@pytest.mark.parametrize(
    "after",
    [
        ["9999-12-31T23:59:59-05:00", 1],  # past year 9999 in UTC
        ["2025-10-06T09:00:00", 1],  # no offset: not an instant the list wrote
        ["2025-10-06T09:00:00+00:00", 2**40],  # past any id
        ["2025-10-06T09:00:00+00:00"],
        [1, 2],
    ],
)
def test_a_key_no_page_of_updates_ends_at_is_refused(
    workspace: LocalWorkspace, after: list[object]
) -> None:
    value = json.dumps({"command": "/update", "text": "list", "after": after})
    pressed = workspace.click(FINNISH, ids.PAGE_MORE, value)
    assert pressed.status == 200
    assert "That button no longer works" in shown(pressed)["text"]
