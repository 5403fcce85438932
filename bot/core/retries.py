"""Slack SDK retry handlers whose waiting is injectable.

They retry as the SDK's own do (429 after Retry-After, 500/503 with backoff, dropped
connections), but call the `sleep` they are given, so the local workspace and the tests
can honour Retry-After without really waiting, and can see how long was asked for.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping

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
    def __init__(self, max_retry_count: int = 3, sleep: Sleep = time.sleep) -> None:
        RateLimitErrorRetryHandler.__init__(self, max_retry_count=max_retry_count)
        self.sleep = sleep

    def wait(self, state: RetryState, response: HttpResponse | None) -> float:
        # A little jitter so many workers told "wait 1 s" do not all come back at once.
        assert response is not None
        return retry_after_seconds(response.headers) + random.random() * 0.25


class ServerErrorRetry(_Waiting, ServerErrorRetryHandler):
    def __init__(self, max_retry_count: int = 2, sleep: Sleep = time.sleep) -> None:
        ServerErrorRetryHandler.__init__(self, max_retry_count=max_retry_count)
        self.sleep = sleep


class ConnectionRetry(_Waiting, ConnectionErrorRetryHandler):
    def __init__(self, max_retry_count: int = 2, sleep: Sleep = time.sleep) -> None:
        ConnectionErrorRetryHandler.__init__(self, max_retry_count=max_retry_count)
        self.sleep = sleep


def retry_handlers(sleep: Sleep = time.sleep) -> list[RetryHandler]:
    return [
        ConnectionRetry(sleep=sleep),
        RateLimitRetry(sleep=sleep),
        ServerErrorRetry(sleep=sleep),
    ]
