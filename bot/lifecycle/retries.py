"""Slack's retries of an event: when it thinks an ack came late (or never), Slack sends the
same event again, with `X-Slack-Retry-Num` and `X-Slack-Retry-Reason` (over Socket Mode, as
`retry_attempt` in the envelope), and the same `event_id`. One global middleware, for events
only, records each `event_id` in one small transaction before any listener runs; a second
delivery (a retry, or the same event at another instance) is acknowledged and does nothing.

The ID is recorded before the event is handled, so a retry never runs a listener twice; when
a listener fails, the error handler answers 500 (so Slack retries) and `hand_back` forgets
the ID, so that retry is handled. (The listeners' own work after the ack is retried by the
outbox.)
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from scheduling.lifecycle.service import LifecycleService

if TYPE_CHECKING:  # the app's door registers this middleware
    from bot.door import Next, Registrar

logger = logging.getLogger("consortium_bot.lifecycle")


def _header(request: AsyncBoltRequest, name: str) -> str | None:
    values = request.headers.get(name) or []
    return values[0] if values else None


def install(app: Registrar, lifecycle: LifecycleService, bot_user_id: str | None) -> None:
    """Register the middleware, before the rest. `bot_user_id` is this bot's user as
    `auth.test` named it at start-up: Bolt authorises no `app_uninstalled` or
    `tokens_revoked` event (their token may be dead), so events find it in
    `context["own_bot_user"]` instead."""

    async def once_per_event(request: AsyncBoltRequest, next: Next) -> BoltResponse | None:
        body, context = request.body, request.context
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not isinstance(event_id, str) or not event_id:
            return await next()
        if await asyncio.to_thread(lifecycle.first_time, event_id):
            context["own_bot_user"] = bot_user_id
            return await next()
        logger.info(
            "event %s (%s) was handled already: retry %s (%s) acknowledged, nothing done",
            event_id,
            (body.get("event") or {}).get("type"),
            _header(request, "x-slack-retry-num") or body.get("retry_attempt") or "?",
            _header(request, "x-slack-retry-reason") or body.get("retry_reason") or "no reason",
        )
        return BoltResponse(status=200, body="")

    app.middleware(once_per_event)


async def hand_back(body: dict[str, Any], context: dict[str, Any]) -> BoltResponse:
    """The answer to an event whose handling failed: its ID forgotten and a 500, so Slack's
    retry is handled as a first delivery rather than dropped as a repeat."""
    lifecycle: LifecycleService | None = context.get("lifecycle")
    event_id = body.get("event_id")
    if lifecycle is not None and isinstance(event_id, str) and event_id:
        await asyncio.to_thread(lifecycle.forget_event, event_id)
    return BoltResponse(status=500, body="")
