"""Work after the ack, in lanes of its own, and whether this process runs the scheduler.

Each kind of post-ack work has its own bounded pool, so one kind never waits behind another:
The acks' own database work has a pool of its own too (`use_ack_threads`). After the ack,
`forms` opens and updates modals (a trigger_id lives 3 s), `messages` posts what a command
asked for (announcements, update cards, round requests, exports), and `redraws` repaints
posted reminders after an RSVP, one redraw per message at a time however many answers come
in. Nothing here waits out a rate limit in a thread: work that Slack asks to slow down is
handed back with the seconds to wait, and comes back on its lane when they have passed. A post
waits for at most one turn of its channel (`pacing.py`, `AFTER_THE_ACK`); a later turn is
handed back the same way.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import secrets
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from scheduling.ports import DeliveryError

logger = logging.getLogger("consortium_bot.background")

# Run `callback` after `seconds`, without holding a worker thread meanwhile.
Later = Callable[[float, Callable[[], None]], None]
# A redraw: None when done, or the seconds Slack asked to wait before it is tried again.
Redraw = Callable[[], float | None]

MAX_RATE_LIMITED = 5  # redraws of one message put off in a row before giving up (logged)
# Tries made after the ack when Slack asks to wait; after them the jobs' sweep takes over.
TRIES_AFTER_THE_ACK = 3
# Threads for the database work of acks (`asyncio.to_thread`): enough that a request never
# queues behind a few slow ones (asyncio's default is the number of cores plus four).
ACK_THREADS = 32


def use_ack_threads(loop: asyncio.AbstractEventLoop) -> None:
    """Give the event loop that runs the Bolt app its pool for the acks' database work."""
    executor = ThreadPoolExecutor(max_workers=ACK_THREADS, thread_name_prefix="ack")
    loop.set_default_executor(executor)


class Timer:
    """One thread that runs callbacks when their time comes (they only hand work to a lane)."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._loop, name="background-timer", daemon=True)
        self._thread.start()

    def __call__(self, seconds: float, callback: Callable[[], None]) -> None:
        with self._changed:
            heapq.heappush(self._due, (time.monotonic() + seconds, next(self._order), callback))
            self._changed.notify()

    def _loop(self) -> None:
        while True:
            with self._changed:
                while not self._due or self._due[0][0] > time.monotonic():
                    wait = self._due[0][0] - time.monotonic() if self._due else None
                    self._changed.wait(wait)
                _, _, callback = heapq.heappop(self._due)
            try:
                callback()
            except Exception:
                logger.exception("a delayed task failed to start")


class Lane:
    """One kind of post-ack work on its own pool."""

    def __init__(self, name: str, executor: Executor, later: Later) -> None:
        self.name = name
        self.executor = executor
        self.later = later

    def run(self, work: Callable[..., Any], *args: Any) -> None:
        future = self.executor.submit(work, *args)
        future.add_done_callback(_log_failure)

    def run_after(self, seconds: float, work: Callable[..., Any], *args: Any) -> None:
        """Run `work` on this lane once `seconds` have passed."""
        self.later(seconds, lambda: self.run(work, *args))


def refusals(
    failures: Mapping[str, DeliveryError], lane: Lane, tries: int, again: Callable[[int], None]
) -> dict[str, DeliveryError]:
    """Of what a dispatch after the ack could not send: put off what Slack asked to wait for
    (`again(tries + 1)` on `lane` once it may, up to TRIES_AFTER_THE_ACK tries), leave what may
    have gone out to the sweep's look-up, and return what Slack refused outright, for the
    person who asked to hear of."""
    waits = [e.retry_after for e in failures.values() if e.retry_after is not None]
    if waits and tries < TRIES_AFTER_THE_ACK:
        lane.run_after(max(waits), again, tries + 1)
    return {key: e for key, e in failures.items() if not e.ambiguous and e.retry_after is None}


class Redraws:
    """Redraws of posted messages, at most one at a time per message: asked for while one
    waits to start, nothing more is needed (it reads the newest state when it runs); asked
    for while one runs, it runs once more afterwards."""

    def __init__(self, lane: Lane) -> None:
        self.lane = lane
        self._lock = threading.Lock()
        self._state: dict[Hashable, _Pending] = {}

    def request(self, key: Hashable, redraw: Redraw) -> None:
        with self._lock:
            pending = self._state.get(key)
            if pending is None:
                self._state[key] = _Pending(redraw)
                self.lane.run(self._run, key)
            elif pending.running:
                pending.again, pending.redraw = True, redraw

    def _run(self, key: Hashable) -> None:
        with self._lock:
            pending = self._state[key]
            pending.running, pending.again = True, False
        wait: float | None = None
        try:
            wait = pending.redraw()
        finally:
            self._after(key, pending, wait)

    def _after(self, key: Hashable, pending: _Pending, wait: float | None) -> None:
        with self._lock:
            pending.running = False
            pending.rate_limited = pending.rate_limited + 1 if wait is not None else 0
            if wait is not None and pending.rate_limited > MAX_RATE_LIMITED:
                logger.warning("redraw of %s given up: Slack kept asking to wait", key)
                del self._state[key]
            elif wait is not None:
                self.lane.run_after(wait, self._run, key)
            elif pending.again:
                self.lane.run(self._run, key)
            else:
                del self._state[key]


@dataclass
class _Pending:
    redraw: Redraw
    running: bool = False
    again: bool = False
    rate_limited: int = 0


@dataclass(frozen=True)
class Background:
    forms: Lane
    messages: Lane
    redraws: Redraws

    @classmethod
    def pools(cls, forms: int = 8, messages: int = 4, redraws: int = 2) -> Background:
        """Each lane on a pool of its own (serve and socket)."""
        timer = Timer()

        def pool(name: str, workers: int) -> Lane:
            executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
            return Lane(name, executor, timer)

        return cls(
            pool("forms", forms), pool("messages", messages), Redraws(pool("redraws", redraws))
        )

    @classmethod
    def on(cls, executor: Executor, later: Later) -> Background:
        """Every lane on one executor (the local workspace, which waits for it to be idle)."""
        return cls(
            Lane("forms", executor, later),
            Lane("messages", executor, later),
            Redraws(Lane("redraws", executor, later)),
        )


def _log_failure(future: Future[Any]) -> None:
    """Nothing run after an ack may fail silently: log it with a reference."""
    error = future.exception()
    if error is not None:
        reference = secrets.token_hex(4)
        logger.error("background work failed (reference %s)", reference, exc_info=error)


class SchedulerState:
    """Whether this process runs the scheduler: None when it does not (`--no-scheduler`)."""

    def __init__(self) -> None:
        self.running: Callable[[], bool] | None = None
