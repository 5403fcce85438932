"""Work after the ack in lanes: forms never wait behind redraws or posts, redraws of one
message coalesce, and a rate limit puts work off without holding a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from bot.core.web_api.background import MAX_RATE_LIMITED, Background, Lane, Redraws
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock


def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.01)


def test_a_form_opens_while_every_other_lane_is_stuck() -> None:
    background = Background.pools(forms=1, messages=1, redraws=1)
    stuck = threading.Event()
    background.messages.run(stuck.wait, 10)
    background.redraws.request("reminder", lambda: stuck.wait(10) and None)
    opened = threading.Event()
    background.forms.run(opened.set)
    # The others hold their lanes for ten seconds: the form opens while they are still stuck.
    assert opened.wait(5) and not stuck.is_set()
    stuck.set()


def test_redraws_of_one_message_asked_for_while_one_runs_make_one_more() -> None:
    lane = Lane("redraws", ThreadPoolExecutor(max_workers=2), lambda _s, callback: callback())
    redraws = Redraws(lane)
    started, release = threading.Event(), threading.Event()
    runs: list[int] = []

    def redraw() -> None:
        runs.append(1)
        started.set()
        release.wait(5)

    redraws.request("message", redraw)
    assert started.wait(5)
    for _ in range(20):
        redraws.request("message", redraw)
    release.set()
    eventually(lambda: len(runs) == 2 and not redraws._state)
    time.sleep(0.05)
    assert len(runs) == 2


def test_a_rate_limited_redraw_comes_back_after_the_wait_without_holding_a_thread() -> None:
    put_off: list[tuple[float, Callable[[], None]]] = []
    lane = Lane("redraws", ThreadPoolExecutor(max_workers=1), lambda s, c: put_off.append((s, c)))
    redraws = Redraws(lane)
    answers = iter([30.0, None])
    runs: list[int] = []

    def redraw() -> float | None:
        runs.append(1)
        return next(answers)

    redraws.request("message", redraw)
    eventually(lambda: len(put_off) == 1)
    assert put_off[0][0] == 30.0 and len(runs) == 1
    # Meanwhile the lane's only thread is free for other messages.
    done = threading.Event()
    lane.run(done.set)
    assert done.wait(2)
    put_off[0][1]()  # the 30 seconds have passed
    eventually(lambda: len(runs) == 2 and not redraws._state)


def test_a_redraw_slack_keeps_putting_off_is_given_up_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    lane = Lane("redraws", ThreadPoolExecutor(max_workers=1), lambda _s, callback: callback())
    redraws = Redraws(lane)
    runs: list[int] = []

    def redraw() -> float:
        runs.append(1)
        return 1.0

    redraws.request("message", redraw)
    eventually(lambda: not redraws._state)
    assert len(runs) == MAX_RATE_LIMITED + 1
    assert "given up" in caplog.text


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


def test_answers_under_a_429_storm_on_chat_update_redraw_a_few_times_and_forms_still_open(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    workspace.services.directory.set_reminder_delivery("U0PT", "dm")
    clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))  # the jour fixe's "1d" reminder
    workspace.jobs.sweep()
    reminder = next(m for m in workspace.emulator.messages("C0JOURFIXE") if m.metadata)
    workspace.emulator.inject_fault("chat.update", status=429, retry_after=30, times=1000)
    rsvp = next(
        e["value"]
        for b in reminder.blocks
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"] == "rsvp_going"
    )
    for member in ("U0AT", "U0FI", "U0PT", "U0TR", "U0GR", "U0PL", "U0COORD1"):
        workspace.click(member, "rsvp_going", rsvp, "C0JOURFIXE")
    updates = workspace.emulator.calls("chat.update")
    # Each answer's redraw stops at Slack's first 429 and comes back after Retry-After
    # (on the workspace's clock, not in a thread), a few times at most: never a storm.
    assert 0 < len(updates) <= 7 * (MAX_RATE_LIMITED + 1)
    assert all(call.status == 429 for call in updates)
    assert 30 in [round(w) for w in workspace.waits]
    form = workspace.command("U0PT", "/update")
    assert [c.status for c in form.calls if c.method == "views.open"] == [200]
