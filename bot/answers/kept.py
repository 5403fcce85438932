"""Answers to reading commands, kept in memory while they are still the answer.

`/meeting next`, `/meeting list`, `/round status`, `/update list` and `/digest preview` read
the database and draw blocks: a few milliseconds at best, against a tenth of one for a bare
ack. Asked again, the same command by the same member gets the same answer as long as
nothing was committed to the database (`Database.changes`, which moves on at every commit by
any process) and the clock has not reached the next whole minute (every answer about time
reads it to the minute: what is next, what is due, what is late). A kept answer is given
from the event loop with no worker thread, no query and no drawing.

Nothing is kept while the database cannot tell its changes (`storage/changes.py`: on
PostgreSQL, while the connection listening for other instances' commits is down). A change
made by hand outside the bot (psql) is seen on PostgreSQL at the next minute at the latest.
The least recently used answers go first beyond `capacity`.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.blocks import Message
from scheduling.clock import Clock
from storage.changes import ChangeWatch

CAPACITY = 2048


@dataclass(frozen=True)
class _Kept:
    message: Message
    version: int
    since: datetime  # the minute it was drawn in: [since, until)
    until: datetime


class KeptAnswers:
    """Answers by key (the command, what it asked and who asked), with the database version
    and the minute they were drawn in."""

    def __init__(self, changes: ChangeWatch, clock: Clock, capacity: int = CAPACITY) -> None:
        self.changes = changes
        self.clock = clock
        self.capacity = capacity
        self._answers: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._lock = threading.Lock()
        changes.version()  # PostgreSQL: starts listening for changes now, not at the first ask

    async def answer(self, key: Hashable, draw: Callable[[], Message]) -> Message:
        """The answer kept for `key` when still valid, else `draw()` run in a worker thread
        (and kept)."""
        # The version is taken before drawing: a commit that lands while drawing moves it on,
        # so an answer is never kept under a version older than what it read.
        version = self.changes.version()
        now = self.clock.now()
        if version is not None:
            with self._lock:
                kept = self._answers.get(key)
                if kept is not None and kept.version == version and kept.since <= now < kept.until:
                    self._answers.move_to_end(key)
                    return kept.message
        message = await asyncio.to_thread(draw)
        if version is not None:
            since = now.replace(second=0, microsecond=0)
            with self._lock:
                self._answers[key] = _Kept(message, version, since, since + timedelta(minutes=1))
                self._answers.move_to_end(key)
                while len(self._answers) > self.capacity:
                    self._answers.popitem(last=False)
        return message

    def __len__(self) -> int:
        return len(self._answers)
