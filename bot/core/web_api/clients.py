"""The Web API clients the bot makes: all on SLACK_API_URL, the synchronous one retrying;
and the client of a response_url."""

from __future__ import annotations

import time
from urllib.parse import urlparse

from slack_sdk import WebClient
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookClient

from bot.core.web_api.retries import DEFAULT_LIMITS, SendLimits, Sleep, retry_handlers
from bot.settings import Settings


def _is_loopback(url: str) -> bool:
    return urlparse(url).hostname in ("127.0.0.1", "localhost", "::1")


def make_web_client(
    settings: Settings,
    token: str | None = None,
    sleep: Sleep = time.sleep,
    limits: SendLimits = DEFAULT_LIMITS,
) -> WebClient:
    """A WebClient on SLACK_API_URL within `limits`: it waits out short 429s, and retries 5xx
    and dropped connections of calls that can safely be made twice (`bot/core/web_api/retries.py`)."""
    client = WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        # urllib takes fractions of a second, though the SDK's signature says int.
        timeout=limits.timeout,  # type: ignore[arg-type]
        retry_handlers=retry_handlers(limits, sleep),
    )
    if _is_loopback(settings.slack_api_url):
        # slack_sdk honours HTTPS_PROXY but not NO_PROXY: never send loopback calls to a proxy.
        client.proxy = None
    return client


def make_async_web_client(settings: Settings, token: str | None = None) -> AsyncWebClient:
    client = AsyncWebClient(
        token=token or settings.slack_bot_token, base_url=settings.slack_api_url
    )
    if _is_loopback(settings.slack_api_url):
        client.proxy = None
    return client


def make_webhook_client(url: str, timeout: float = 10.0) -> WebhookClient:
    """A client of one response_url (the answer to a button, from a worker thread)."""
    client = WebhookClient(url, timeout=int(timeout))
    if _is_loopback(url):
        client.proxy = None
    return client
