"""The HTTP front door (ASGI, served by uvicorn): Slack requests, health, and later the feeds.

Bolt's own Starlette adapter calls the sync `App.dispatch` on the event loop, which serialises
every request; here each dispatch runs in the thread pool, so one slow database lookup never
holds up other acks.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from storage.db import Database

logger = logging.getLogger("consortium_bot.server")

SLACK_EVENTS_PATH = "/slack/events"


def create_web_app(
    bolt_app: App,
    database: Database,
    *,
    on_startup: Callable[[], None] | None = None,
    on_shutdown: Callable[[], None] | None = None,
) -> Starlette:
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        bolt_request = to_bolt_request(request, body)
        bolt_response = await run_in_threadpool(bolt_app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    async def healthz(_: Request) -> Response:
        try:
            await run_in_threadpool(_ping, database)
        except Exception:
            logger.exception("health check: the database is unreachable")
            return JSONResponse({"status": "unhealthy", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok"})

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
        ],
        lifespan=lifespan,
    )


def _ping(database: Database) -> None:
    with database.read() as session:
        session.execute(text("SELECT 1"))
