"""The HTTP front door (ASGI, served by uvicorn): Slack requests, calendar feeds, health.

A Slack request's body is read (up to a limit) and its signature checked before anything
parses it: an unsigned, stale or forged request is a 401, an oversize one a 413 and a signed
but malformed one a 400, each with one log line (at most one a minute), never a traceback.
Signed requests go to the AsyncApp on the event loop; listeners answer from memory or hand
database work to worker threads, so a slow query never holds up other acks.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs

from slack_bolt.adapter.starlette.async_handler import to_async_bolt_request, to_starlette_response
from slack_bolt.async_app import AsyncApp
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.core import log_secrets
from bot.core.web_api.background import use_ack_threads
from scheduling.calendars.feeds import FeedService
from scheduling.clock import Clock, SystemClock
from storage.db import DEFAULT_TIMEOUT_SECONDS, Database, DatabaseBusyError

logger = logging.getLogger("consortium_bot.server")

SLACK_EVENTS_PATH = "/slack/events"
# A revoked link and one never given are alike: 404 (calendar clients treat a 410 no
# differently, and telling them apart would mean keeping revoked tokens).
NO_FEED = (
    "No calendar at this address. If it was yours, it was replaced: `/consortium subscribe`"
    " in Slack gives your current link.\n"
)
# Slack's own payloads stay far below this (a view submission is a few kilobytes).
MAX_SLACK_BODY_BYTES = 1 << 20


class _Refusals:
    """Counts refused requests and logs them in one line a minute at most, so a flood of
    junk costs the log nothing."""

    def __init__(self, every: float = 60.0) -> None:
        self.every = every
        self.count = 0
        self.logged_at: float | None = None

    def note(self, reason: str) -> None:
        self.count += 1
        now = time.monotonic()
        if self.logged_at is None or now - self.logged_at >= self.every:
            logger.warning(
                "refused %d request(s) to %s since the last report (last: %s)",
                self.count,
                SLACK_EVENTS_PATH,
                reason,
            )
            self.count, self.logged_at = 0, now


# Slack refuses requests older than this; so does the bot (a replay window, not a clock check).
MAX_REQUEST_AGE_SECONDS = 5 * 60


def _signed(secret: bytes, headers: Mapping[str, str], body: bytes, now: float) -> bool:
    """Slack's v0 signature (HMAC-SHA256 over `v0:<timestamp>:<raw body>`), computed on the
    raw bytes, so a body that is not even UTF-8 is simply not signed."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    # Ten digits last until 2286; a longer "number" would overflow the float comparison.
    well_formed = timestamp.isascii() and timestamp.isdecimal() and len(timestamp) <= 12
    if not well_formed or not signature:
        return False
    if abs(now - int(timestamp)) > MAX_REQUEST_AGE_SECONDS:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _readable(body: bytes, content_type: str) -> bool:
    """Whether a signed body is something Bolt can read: a JSON object, or a form whose
    `payload`, if any, is a JSON object."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json"):
            return isinstance(json.loads(text), dict)
        payload = parse_qs(text).get("payload")
        return payload is None or isinstance(json.loads(payload[0]), dict)
    except (UnicodeDecodeError, ValueError):
        return False


def create_web_app(
    bolt_app: AsyncApp,
    database: Database,
    feeds: FeedService,
    *,
    signing_secret: str,
    on_startup: Callable[[], None] | None = None,
    on_shutdown: Callable[[], None] | None = None,
    wall_clock: Clock | None = None,
    health_timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> Starlette:
    """The ASGI app. `wall_clock` is the real time by default: Slack stamps requests with it
    (and Bolt checks them against it again), and calendar clients their cache dates."""
    wall_now = (wall_clock or SystemClock()).now
    # A feed's URL is its only key: the access log (and every other) shows `/calendar/…`.
    log_secrets.install()
    secret = signing_secret.encode()
    refusals = _Refusals()

    async def slack_events(request: Request) -> Response:
        def too_large() -> Response:
            refusals.note("body too large")
            return Response("Request too large\n", status_code=413, media_type="text/plain")

        # A declared length over the limit is refused unread; the stream is counted anyway.
        declared = request.headers.get("content-length", "")
        if (
            declared.isascii()
            and declared.isdecimal()
            and int(declared[:19]) > MAX_SLACK_BODY_BYTES
        ):
            return too_large()
        received = bytearray()
        async for chunk in request.stream():
            received += chunk
            if len(received) > MAX_SLACK_BODY_BYTES:
                return too_large()
        body = bytes(received)
        if not _signed(secret, request.headers, body, wall_now().timestamp()):
            refusals.note("missing, stale or wrong signature")
            return Response("Unauthorized\n", status_code=401, media_type="text/plain")
        if not _readable(body, request.headers.get("content-type", "")):
            refusals.note("a signed body that is not a Slack payload")
            return Response("Bad request\n", status_code=400, media_type="text/plain")
        bolt_response = await bolt_app.async_dispatch(to_async_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    health = _HealthProbe(database, health_timeout)

    async def healthz(_: Request) -> Response:
        state = await health.check()
        if state != "ok":
            return JSONResponse({"status": "unhealthy", "database": state}, status_code=503)
        return JSONResponse({"status": "ok"})

    async def calendar_feed(request: Request) -> Response:
        name: str = request.path_params["name"]
        if not name.endswith(".ics"):
            return Response(NO_FEED, status_code=404, media_type="text/plain")
        try:
            document = await run_in_threadpool(feeds.document, name.removesuffix(".ics"))
        except (DBAPIError, DatabaseBusyError) as error:
            # Logged without the statement's parameters (the token) nor a traceback; calendar
            # clients try again later.
            reason = (str(getattr(error, "orig", None) or error).strip().splitlines() or ["?"])[0]
            logger.error("calendar feed: the database did not answer: %s", reason)
            return Response(
                "The calendar is unavailable for a moment; try again later.\n",
                status_code=503,
                media_type="text/plain",
                headers={"Retry-After": "300"},
            )
        if document is None:
            return Response(NO_FEED, status_code=404, media_type="text/plain")
        headers = {"ETag": document.etag, "Cache-Control": "private, max-age=300"}
        if document.last_modified is not None:
            headers["Last-Modified"] = format_datetime(document.last_modified, usegmt=True)
        if _not_modified(request, document.etag, document.last_modified, wall_now()):
            return Response(status_code=304, headers=headers)
        return Response(document.body, media_type="text/calendar; charset=utf-8", headers=headers)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        use_ack_threads(asyncio.get_running_loop())
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


class _HealthProbe:
    """Whether the database answers and takes writes, known within `timeout` seconds even
    when it hangs: one probe runs at a time, and while a stuck one runs the answer is no."""

    def __init__(self, database: Database, timeout: float) -> None:
        self.database = database
        self.timeout = timeout
        self.running: asyncio.Future[bool] | None = None

    async def check(self) -> str:
        if self.running is not None and not self.running.done():
            return "unreachable"
        self.running = asyncio.ensure_future(run_in_threadpool(self.database.may_write))
        try:
            writable = await asyncio.wait_for(asyncio.shield(self.running), self.timeout)
        except TimeoutError:
            logger.error("health check: the database gave no answer in %g s", self.timeout)
            return "unreachable"
        except Exception as error:
            reason = (str(getattr(error, "orig", None) or error).strip().splitlines() or ["?"])[0]
            logger.error("health check: the database is unreachable: %s", reason)
            return "unreachable"
        if not writable:
            # The bot records every answer and delivery: without writes it serves nobody.
            logger.error("health check: the database takes no writes (read-only)")
            return "read-only"
        return "ok"


def _not_modified(
    request: Request, etag: str, last_modified: datetime | None, now: datetime
) -> bool:
    """Conditional GET (RFC 9110): If-None-Match wins over If-Modified-Since, and a date
    later than now is not valid (a client with a fast clock must not keep a stale feed)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return etag in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if since and last_modified is not None:
        try:
            client_copy = parsedate_to_datetime(since)
            return last_modified.replace(microsecond=0) <= client_copy <= now
        except (TypeError, ValueError):
            return False
    return False
