"""`/action list` pages through signed requests: 25 open items a page in the list's order (the
soonest due first, the undated last), More for the next page in place of the one before, and
an item closed between pages does not shift the next."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from bot.core import ids
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.actions.items import Assignee
from tests.support import buttons_of

COORDINATOR, PORTUGUESE = "U0COORD1", "U0PT"


def give_actions(workspace: LocalWorkspace, count: int) -> list[int]:
    """`count` items for Portugal, due on a few dates or on none, in an order of their own."""
    coordinator = workspace.services.directory.profile(COORDINATOR)
    assert coordinator is not None
    given = []
    for n in range(count):
        due = None if n % 3 == 0 else date(2024, 2, 1) + timedelta(days=(n * 7) % 5)
        item = workspace.services.action_items.add(
            coordinator, Assignee(country="PT"), f"Item {n}", due, None
        )
        given.append((due is None, due or date.min, n, item.id))
    return [item_id for *_, item_id in sorted(given)]


def shown(exchange: Exchange) -> dict[str, Any]:
    replies = [c.params for c in exchange.calls if c.method == "response_url"]
    message = replies[-1] if replies else exchange.ack
    assert isinstance(message, dict), exchange
    return message


def item_numbers(message: dict[str, Any]) -> list[int]:
    texts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"][1:]
    return [int(re.search(r"\*#(\d+)\*", text)[1]) for text in texts]  # type: ignore[index]


def footer(message: dict[str, Any]) -> str:
    return message["blocks"][-2]["elements"][0]["text"]


def more(workspace: LocalWorkspace, exchange: Exchange) -> Exchange | None:
    values = [v for a, v in buttons_of(exchange) if a == ids.PAGE_MORE]
    return workspace.click(PORTUGUESE, ids.PAGE_MORE, values[0]) if values else None


def test_the_open_items_page_in_the_lists_order(workspace: LocalWorkspace) -> None:
    order = give_actions(workspace, 30)
    first = workspace.command(PORTUGUESE, "/action list")
    assert shown(first)["text"].startswith("Open actions, yours and your country's: 30.")
    assert item_numbers(shown(first)) == order[:25]
    assert footer(shown(first)) == "Showing 1–25 of 30"
    done = [v for a, v in buttons_of(first) if a == ids.ACTION_DONE]
    assert done == [str(n) for n in order[:25]]
    second = more(workspace, first)
    assert second is not None
    assert item_numbers(shown(second)) == order[25:]
    assert more(workspace, second) is None


def test_an_item_closed_between_pages_does_not_shift_the_next(
    workspace: LocalWorkspace,
) -> None:
    order = give_actions(workspace, 30)
    first = workspace.command(PORTUGUESE, "/action list")
    workspace.command(PORTUGUESE, f"/action done {order[0]}")
    second = more(workspace, first)
    assert second is not None
    assert item_numbers(shown(second)) == order[25:]
    assert shown(second)["blocks"][-1]["type"] == "context"  # the last page: no More
    assert "Showing 25–29 of 29" in str(shown(second)["blocks"])
