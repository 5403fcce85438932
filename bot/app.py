"""The app factory: a Bolt App wired to settings, a database and a clock; no module globals."""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from urllib.parse import urlparse

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot import errors, services
from bot.listeners import register_all
from bot.settings import Settings
from scheduling.clock import Clock
from storage.db import Database

logger = logging.getLogger("consortium_bot")

# Bolt's default of 5 threads lets a few slow Web API calls starve every other listener.
LISTENER_THREADS = 16


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient on SLACK_API_URL that waits out 429s and retries 5xx and dropped connections."""
    client = WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
    if urlparse(settings.slack_api_url).hostname in ("127.0.0.1", "localhost", "::1"):
        # slack_sdk honours HTTPS_PROXY but not NO_PROXY: never send loopback calls to a proxy.
        client.proxy = None
    return client


def build_app(
    settings: Settings,
    database: Database,
    clock: Clock,
    *,
    client: WebClient | None = None,
    listener_executor: Executor | None = None,
) -> App:
    """Build the Bolt app. Every listener acks before any Web API call.

    The bot token is checked with `auth.test` here, once, so a wrong token stops start-up
    (SlackApiError) instead of failing the first user's command.

    `process_before_response=True` sends the HTTP response as soon as the ack function
    returns, instead of polling for the ack every 10 ms; slow work runs in lazy listeners
    on `listener_executor`.
    """
    settings.require("SLACK_SIGNING_SECRET")
    executor = listener_executor or ThreadPoolExecutor(
        max_workers=LISTENER_THREADS, thread_name_prefix="listener"
    )
    client = client or make_web_client(settings)
    try:
        app = App(
            client=client,
            signing_secret=settings.slack_signing_secret,
            process_before_response=True,
            listener_executor=executor,
            logger=logging.getLogger("consortium_bot.bolt"),
        )
    except BoltError as error:
        # Bolt wraps auth.test's SlackApiError in a message; the error code is what helps.
        if isinstance(error.__context__, SlackApiError):
            raise error.__context__ from None
        raise
    services.install(app, services.Services.create(settings, database, clock, client, executor))
    errors.install(app)
    register_all(app)
    return app
