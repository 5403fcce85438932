"""Posts paced per channel at the rate Slack documents, so that a fan-out into one channel is
not refused with 429s while posts to different channels (every DM is a channel of its own)
never wait on one another.

Slack's rate limits page (https://docs.slack.dev/apis/web-api/rate-limits) says that
chat.postMessage "generally allows posting one message per second per channel, while also
maintaining a workspace-wide limit", and of posting messages: "1 per second. Short bursts >1
allowed. If you attempt bursts, there is no guarantee that messages will be stored or
displayed to users." So the bot never counts on a burst: one post per channel per second.

How a post takes its channel's turn (`ChannelPacer.turn`):

- The next post to a channel may start one interval after the previous one *came back*. Slack
  counts a post somewhere between its sending and its answer, so spacing from the answer holds
  whatever the network's delays; it costs one round trip per post. One post per channel is in
  flight at a time from this process; another thread's post to it waits for its answer.
- A 429 a post meets all the same (another instance posted, or Slack's workspace-wide limit)
  keeps its channel closed for the Retry-After, so this process's other threads do not try it
  meanwhile; the 429 itself is handled as before (`retries.py`, the outbox).
- A thread waits at most `longest_wait` for its turn (`SendLimits.pace_wait`; the outbox's
  lease outlasts it with the calls of a step, `bot/composition.py`). A turn further away is not
  waited for and nothing is booked: the caller hears how long it would be (`TurnTooFarError`),
  and the post is refused before it is sent, as a 429 would refuse it (`clients.py`), so the
  outbox leaves it for a later pass rather than hold a claim that long.
- Time is injected: `clock` (monotonic seconds) and `sleep`. Waiting for another thread's post
  to come back is a wait on a condition, in real time (it lasts as long as that call).

Pacing is per process: one `ChannelPacer` is shared by the process's clients (the scheduler's
and the one after the ack). Several instances on one PostgreSQL database each pace their own
posts, so two of them posting into one channel within the same second can still meet a 429;
the outbox's claims keep each message to one sender, and the 429 is waited out or retried.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

logger = logging.getLogger("consortium_bot.pacing")

SLACK_POST_INTERVAL = 1.0  # seconds between posts to one channel: Slack's documented 1/s
# Channels whose turn is past are forgotten once this many are remembered (and then once
# twice as many as were left are: forgetting stays a small cost per post).
REMEMBERED_CHANNELS = 1024

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class TurnTooFarError(Exception):
    """A channel's turn is further away than the caller may wait: `wait` seconds."""

    def __init__(self, channel: str, wait: float) -> None:
        super().__init__(f"the next post to {channel} may go in {wait:.2f} s")
        self.channel = channel
        self.wait = wait


@dataclass
class _Channel:
    free_at: float = -math.inf  # when the next post to it may start
    busy: bool = False  # a post to it is waiting for its instant or in flight


class Turn:
    """One post's turn in its channel, held while it is sent. The sender says where Slack
    put the post (`answered_in`: a post addressed to a member lands in their DM, another
    channel ID for the same conversation) and how long Slack asked to wait (`hold`)."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.answered_in: str | None = None
        self.held = 0.0

    def hold(self, seconds: float) -> None:
        self.held = max(self.held, seconds)


class ChannelPacer:
    """The next allowed start of a post, per channel ID; thread-safe."""

    def __init__(
        self,
        interval: float = SLACK_POST_INTERVAL,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if not (math.isfinite(interval) and interval > 0):
            raise ValueError(f"interval must be a positive number of seconds, not {interval}")
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._changed = threading.Condition()
        self._channels: dict[str, _Channel] = {}
        self._forget_above = REMEMBERED_CHANNELS

    @contextmanager
    def turn(self, channel: str, longest_wait: float) -> Iterator[Turn]:
        """Wait for `channel`'s turn (at most `longest_wait` seconds, else TurnTooFarError
        before anything is booked), hold it while the body sends the post, and give it back
        with the next turn an interval after the post came back."""
        wait = self._take(channel, longest_wait)
        turn = Turn(channel)
        try:
            if wait > 0:
                self.sleep(wait)
            yield turn
        finally:
            self._give_back(turn)

    def _take(self, channel: str, longest_wait: float) -> float:
        """Book `channel` for one post: the seconds until it may start."""
        deadline = self.clock() + longest_wait
        with self._changed:
            while True:
                now = self.clock()
                state = self._channels.setdefault(channel, _Channel())
                if not state.busy:
                    wait = max(0.0, state.free_at - now)
                    if now + wait > deadline:
                        raise TurnTooFarError(channel, wait)
                    state.busy = True
                    return wait
                left = deadline - now
                if left <= 0:
                    # Another post to it is out: the turn is at least an interval away.
                    raise TurnTooFarError(channel, self.interval)
                self._changed.wait(left)

    def _give_back(self, turn: Turn) -> None:
        with self._changed:
            now = self.clock()
            free_at = now + max(self.interval, turn.held)
            for channel in {turn.channel, turn.answered_in or turn.channel}:
                state = self._channels.setdefault(channel, _Channel())
                state.free_at = max(state.free_at, free_at)
            self._channels[turn.channel].busy = False
            if turn.held:
                logger.info("posts to %s wait %.1f s: Slack asked to", turn.channel, turn.held)
            if len(self._channels) > self._forget_above:
                self._forget_past(now)
            self._changed.notify_all()

    def _forget_past(self, now: float) -> None:
        past = [c for c, s in self._channels.items() if not s.busy and s.free_at <= now]
        for channel in past:
            del self._channels[channel]
        self._forget_above = max(REMEMBERED_CHANNELS, 2 * len(self._channels))
