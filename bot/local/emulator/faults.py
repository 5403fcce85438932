"""Faults on demand (HTTP errors, 429s with Retry-After; connections dropped, answered late or
held, before or after the call was processed) and Slack's per-channel post rate limit.

A connection dropped *after* processing is the ambiguity every non-idempotent call must
survive: Slack stored the message, the client never heard so."""

from __future__ import annotations

import math
from collections import deque
from http import HTTPStatus
from typing import Any, TypeVar

from bot.local.emulator.params import _RateLimitedError, _Reply
from bot.local.emulator.state import EmulatorState, HeldCalls, _Bucket, _Fault, _TransportFault

# Slack's rate limiter works in whole requests; this absorbs float error in refilled tokens.
_TOKEN_EPSILON = 1e-9


def _times(times: int) -> int:
    if times < 1:
        raise ValueError("times must be at least 1")
    return times


_Queued = TypeVar("_Queued", _Fault, _TransportFault)


def _due(queue: deque[_Queued] | None, processed: bool) -> _Queued | None:
    """The fault at the head of `queue` if it applies at this step (before or after the
    call is processed) and has let through the calls it should; one use of it is taken."""
    if not queue or queue[0].processed != processed:
        return None
    fault = queue[0]
    if fault.skip:
        fault.skip -= 1
        return None
    fault.remaining -= 1
    if fault.remaining == 0:
        queue.popleft()
    return fault


def _skip(skip: int) -> int:
    if skip < 0:
        raise ValueError("skip must not be negative")
    return skip


def _checked_rate_limit(rate: float, burst: int) -> tuple[float, int]:
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"rate must be a positive number of posts per second, not {rate}")
    if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
        raise ValueError(f"burst must be a whole number of at least 1, not {burst}")
    return float(rate), burst


class FaultsAndLimits(EmulatorState):
    """Injected faults and the post rate limit."""

    def inject_fault(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = 1,
        error: str | None = None,
        times: int = 1,
        processed: bool = False,
        skip: int = 0,
    ) -> None:
        """Fails the next ``times`` calls of ``method`` (after letting ``skip`` through) with
        HTTP ``status`` (at 200: ok:false); with ``processed``, after doing what the call
        asked (a 5xx once the post is stored)."""
        if times < 1:
            raise ValueError("times must be at least 1")
        if status == 200 and not error:
            raise ValueError("a fault with status 200 needs an error code")
        if status != 200 and not 400 <= status <= 599:
            raise ValueError(f"status must be 200 or an HTTP error status, not {status}")
        with self._lock:
            fault = _Fault(
                status=status,
                retry_after=retry_after,
                error=error,
                remaining=times,
                processed=processed,
                skip=_skip(skip),
            )
            self._faults.setdefault(method, deque()).append(fault)

    def drop_connection(
        self, method: str, *, processed: bool = True, times: int = 1, skip: int = 0
    ) -> None:
        """Close the connection of the next ``times`` calls of ``method`` (after letting
        ``skip`` through) without an answer, after processing them (``processed``: the
        message is stored) or before."""
        fault = _TransportFault("drop", processed, _times(times), skip=_skip(skip))
        self._add_transport_fault(method, fault)

    def delay_answer(self, method: str, seconds: float, *, times: int = 1, skip: int = 0) -> None:
        """Process the next ``times`` calls of ``method`` at once but answer ``seconds`` later
        (longer than a client's timeout: the client gives up on a call that succeeded)."""
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"seconds must be a positive number, not {seconds}")
        fault = _TransportFault("delay", True, _times(times), seconds=seconds, skip=_skip(skip))
        self._add_transport_fault(method, fault)

    def hold_calls(
        self, method: str, *, processed: bool, times: int = 1, skip: int = 0
    ) -> HeldCalls:
        """Hold the next ``times`` calls of ``method`` (after letting ``skip`` through) until
        ``release()``: before processing them (nothing stored yet) or after (stored, not yet
        answered)."""
        hold = HeldCalls(_times(times))
        fault = _TransportFault("hold", processed, hold.times, hold=hold, skip=_skip(skip))
        self._add_transport_fault(method, fault)
        with self._lock:
            self._holds.append(hold)
        return hold

    def release_holds(self) -> None:
        """Release every hold (the emulator does so when it stops)."""
        with self._lock:
            holds = list(self._holds)
        for hold in holds:
            hold.release()

    def _add_transport_fault(self, method: str, fault: _TransportFault) -> None:
        with self._lock:
            self._transport_faults.setdefault(method, deque()).append(fault)

    def _take_transport_fault(self, method: str, *, processed: bool) -> _TransportFault | None:
        """The next transport fault of ``method`` at this step, if one is queued first."""
        with self._lock:
            return _due(self._transport_faults.get(method), processed)

    def set_post_rate_limit(self, rate: float | None, burst: int = 1) -> None:
        """Limits chat.postMessage to ``rate`` posts per second per channel, in bursts of
        ``burst``; ``None`` lifts the limit. Every channel's bucket starts full again."""
        limit = None if rate is None else _checked_rate_limit(rate, burst)
        with self._lock:
            self._post_rate_limit = limit
            self._post_buckets.clear()

    def _take_fault(
        self, method: str, params: dict[str, Any], *, processed: bool = False
    ) -> _Reply | None:
        """The reply of the next fault of ``method`` at this step (before processing the call,
        or after it), recorded as the call's outcome; None when no fault is due here."""
        fault = _due(self._faults.get(method), processed)
        if fault is None:
            return None
        if fault.status in (HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS):
            response = {"ok": False, "error": fault.error or "ratelimited"}
            reply = _Reply.of_json(fault.status, response)
            if fault.status == HTTPStatus.TOO_MANY_REQUESTS and fault.retry_after is not None:
                reply.headers["Retry-After"] = str(fault.retry_after)
        else:
            text = fault.error or HTTPStatus(fault.status).phrase
            response = {"ok": False, "error": text}
            reply = _Reply.of_text(fault.status, text)
        self._record(method, params, fault.status, response)
        return reply

    def _take_post_token(self, channel: str) -> None:
        """Takes a token from ``channel``'s chat.postMessage bucket, if one is configured."""
        if self._post_rate_limit is None:
            return
        rate, burst = self._post_rate_limit
        now = self._clock()
        bucket = self._post_buckets.setdefault(channel, _Bucket(float(burst), now))
        if now > bucket.refilled_at:
            bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.refilled_at) * rate)
            bucket.refilled_at = now
        if bucket.tokens + _TOKEN_EPSILON >= 1:
            bucket.tokens = max(0.0, bucket.tokens - 1)
            return
        wait = (1 - bucket.tokens) / rate
        raise _RateLimitedError(max(1, math.ceil(wait - _TOKEN_EPSILON)))
