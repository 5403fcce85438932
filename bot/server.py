"""The HTTP front door (ASGI, served by uvicorn): Slack requests, calendar feeds, health.

Slack requests go to the AsyncApp on the event loop; listeners answer from memory or hand
database work to worker threads, so a slow query never holds up other acks.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from scheduling.meetings.feeds import FeedService
from storage.db import Database

logger = logging.getLogger("consortium_bot.server")

SLACK_EVENTS_PATH = "/slack/events"


def create_web_app(
    bolt_app: AsyncApp,
    database: Database,
    feeds: FeedService,
    *,
    on_startup: Callable[[], None] | None = None,
    on_shutdown: Callable[[], None] | None = None,
) -> Starlette:
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        bolt_response = await bolt_app.async_dispatch(to_async_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    async def healthz(_: Request) -> Response:
        try:
            await run_in_threadpool(database.ping)
        except Exception:
            logger.exception("health check: the database is unreachable")
            return JSONResponse({"status": "unhealthy", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    async def calendar_feed(request: Request) -> Response:
        name: str = request.path_params["name"]
        if not name.endswith(".ics"):
            return Response("Not found\n", status_code=404, media_type="text/plain")
        document = await run_in_threadpool(feeds.document, name.removesuffix(".ics"))
        if document is None:
            return Response("Not found\n", status_code=404, media_type="text/plain")
        headers = {"ETag": document.etag, "Cache-Control": "private, max-age=300"}
        if document.last_modified is not None:
            headers["Last-Modified"] = format_datetime(document.last_modified, usegmt=True)
        if _not_modified(request, document.etag, document.last_modified):
            return Response(status_code=304, headers=headers)
        return Response(document.body, media_type="text/calendar; charset=utf-8", headers=headers)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if on_startup:
            on_startup()
        try:
            yield
        finally:
            if on_shutdown:
                on_shutdown()

    return Starlette(
        routes=[
            Route(SLACK_EVENTS_PATH, slack_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/calendar/{name}", calendar_feed, methods=["GET", "HEAD"]),
        ],
        lifespan=lifespan,
    )


def _not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """Conditional GET (RFC 9110): If-None-Match wins over If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return etag in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if since and last_modified is not None:
        try:
            return last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False
