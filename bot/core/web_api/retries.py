"""How the bot's Web API clients retry, and how long any one call may take.

They retry as the SDK's own handlers do (429 after Retry-After, 500/503 with backoff, dropped
connections), with three differences:

- a call that creates something each time it is made (`chat.postMessage`, a file's share) is
  never retried after an ambiguous failure (a dropped connection, a 5xx): Slack may have done
  it already, and a second try would post it twice. The failure reaches the caller, and the
  outbox asks Slack by the message's delivery key before it tries again (`ambiguous`);
- a Retry-After longer than `SendLimits.rate_limit_wait` is not waited out in the thread: the
  429 reaches the caller, who comes back later without holding a thread (or a claim) meanwhile;
- they call the `sleep` they are given, so the local workspace and the tests can honour
  Retry-After without really waiting, and can see how long was asked for.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.client import HTTPException

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

Sleep = Callable[[float], None]

# Web API methods that do something new each time they are called.
NOT_IDEMPOTENT = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "chat.meMessage",
        "files.completeUploadExternal",
        "files.upload",
        "conversations.create",
    }
)
# Errors Slack answers with `ok: false` when it cannot tell whether the call took effect
# ("It's possible some aspect of the operation succeeded before the error was raised").
UNCERTAIN_ERRORS = frozenset(
    {"internal_error", "fatal_error", "request_timeout", "service_unavailable"}
)

JITTER = 0.25  # a little spread so many workers told "wait 1 s" do not all come back at once


@dataclass(frozen=True)
class SendLimits:
    """The time bounds of every Web API call the bot makes from a thread.

    `longest_call` is the most one call can take with all its retries and waits; the outbox's
    lease must outlast the calls of one step of a send and one wait for a channel's turn (see
    `bot/composition.py`)."""

    timeout: float = 10.0  # seconds for one HTTP exchange
    retries: int = 2  # after a dropped connection or a 500/503, for idempotent calls only
    rate_limit_retries: int = 3
    rate_limit_wait: float = 10.0  # the longest Retry-After waited out in the thread
    # The longest a post waits for its channel's turn (`pacing.py`); a turn further away is
    # refused before sending, as a 429 with the seconds to wait, and the outbox tries later.
    pace_wait: float = 10.0

    def longest_call(self) -> float:
        exchanges = 1 + self.retries + self.rate_limit_retries
        backoff = sum(0.5 * (1 << attempt) for attempt in range(self.retries))
        waits = self.rate_limit_retries * (self.rate_limit_wait + JITTER)
        return exchanges * self.timeout + backoff + waits


DEFAULT_LIMITS = SendLimits()
# After an ack no thread waits out a rate limit: the work comes back when Slack says it may.
# A post waits for at most one turn of its channel (one post per second there), never for a
# queue of them: more is handed back with the seconds to wait, like a 429.
AFTER_THE_ACK = SendLimits(rate_limit_retries=0, rate_limit_wait=0.0, pace_wait=1.0)


def retry_after_seconds(headers: Mapping[str, str | list[str]], default: float = 1.0) -> float:
    """Slack's Retry-After in seconds, from headers of either shape the SDK hands out
    (`{name: value}` or `{name: [value]}`); `default` when absent or unreadable."""
    for name, values in headers.items():
        if name.lower() == "retry-after" and values:
            value = values if isinstance(values, str) else values[0]
            try:
                return max(0.0, float(value))
            except ValueError:
                break
    return default


def method_of(request: HttpRequest) -> str:
    """The Web API method a request calls (the last part of its URL's path)."""
    return request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def ambiguous(failure: BaseException) -> bool:
    """Whether a failed call may have taken effect at Slack: a dropped or timed-out connection,
    a 5xx, or an error Slack itself calls uncertain. A 429 or any other refusal is certain."""
    if isinstance(failure, SlackApiError):
        status = failure.response.status_code
        if status >= 500:
            return True
        data = failure.response.data
        code = data.get("error") if isinstance(data, dict) else None
        return status == 200 and code in UNCERTAIN_ERRORS
    return isinstance(failure, (OSError, HTTPException))


class _Waiting(RetryHandler):
    sleep: Sleep

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        self.sleep(self.wait(state, response))
        state.increment_current_attempt()

    def wait(self, state: RetryState, response: HttpResponse | None) -> float:
        return float(self.interval_calculator.calculate_sleep_duration(state.current_attempt))


class RateLimitRetry(_Waiting, RateLimitErrorRetryHandler):
    """A 429 was not processed, so any call may be sent again: after Retry-After, when that
    is short enough to wait for here."""

    def __init__(self, limits: SendLimits, sleep: Sleep = time.sleep) -> None:
        RateLimitErrorRetryHandler.__init__(self, max_retry_count=limits.rate_limit_retries)
        self.sleep = sleep
        self.longest_wait = limits.rate_limit_wait

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        return retry_after_seconds(response.headers) <= self.longest_wait

    def wait(self, state: RetryState, response: HttpResponse | None) -> float:
        assert response is not None
        return retry_after_seconds(response.headers) + random.random() * JITTER


class _OnlyIdempotent(RetryHandler):
    """Retries only calls that can safely be made twice (see NOT_IDEMPOTENT)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if method_of(request) in NOT_IDEMPOTENT:
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


class ServerErrorRetry(_Waiting, _OnlyIdempotent, ServerErrorRetryHandler):
    def __init__(self, limits: SendLimits, sleep: Sleep = time.sleep) -> None:
        ServerErrorRetryHandler.__init__(self, max_retry_count=limits.retries)
        self.sleep = sleep


class ConnectionRetry(_Waiting, _OnlyIdempotent, ConnectionErrorRetryHandler):
    def __init__(self, limits: SendLimits, sleep: Sleep = time.sleep) -> None:
        ConnectionErrorRetryHandler.__init__(self, max_retry_count=limits.retries)
        self.sleep = sleep


def retry_handlers(limits: SendLimits, sleep: Sleep = time.sleep) -> list[RetryHandler]:
    return [
        ConnectionRetry(limits, sleep),
        RateLimitRetry(limits, sleep),
        ServerErrorRetry(limits, sleep),
    ]
