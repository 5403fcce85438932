"""The Web API clients the bot makes: all on SLACK_API_URL, the synchronous one retrying and
pacing its posts per channel; and the client of a response_url."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlparse

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.slack_response import SlackResponse
from slack_sdk.webhook import WebhookClient

from bot.core.web_api.pacing import ChannelPacer, TurnTooFarError
from bot.core.web_api.retries import (
    DEFAULT_LIMITS,
    SendLimits,
    Sleep,
    retry_after_seconds,
    retry_handlers,
)
from bot.settings import Settings

PACED_METHOD = "chat.postMessage"  # the method Slack limits per channel (`pacing.py`)


def _is_loopback(url: str) -> bool:
    return urlparse(url).hostname in ("127.0.0.1", "localhost", "::1")


class PacedError(SlackApiError):
    """A post this process's pacing refused before sending it, its channel's turn being
    further away than the client may wait: answered as Slack answers a post it limits (HTTP
    429, `ratelimited`, Retry-After the seconds to the turn), so every caller handles it as it
    handles Slack's own 429. Nothing was sent, so it is certain, never ambiguous."""

    def __init__(self, message: str, response: SlackResponse) -> None:
        super().__init__(message, response)  # type: ignore[no-untyped-call]


class PacedWebClient(WebClient):
    """A WebClient whose posts wait for their channel's turn (`pacing.py`), at most
    `longest_wait` seconds."""

    def __init__(self, pacer: ChannelPacer, longest_wait: float, **options: Any) -> None:
        super().__init__(**options)
        self.pacer = pacer
        self.longest_wait = longest_wait

    def api_call(
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> SlackResponse:
        def call() -> SlackResponse:
            return super(PacedWebClient, self).api_call(
                api_method,
                http_verb=http_verb,
                files=files,
                data=data,
                params=params,
                json=json,
                headers=headers,
                auth=auth,
            )

        channel = _channel_of(json, data, params) if api_method == PACED_METHOD else None
        if channel is None:
            return call()
        try:
            with self.pacer.turn(channel, self.longest_wait) as turn:
                try:
                    response = call()
                except SlackApiError as error:
                    if error.response.status_code == 429:
                        turn.hold(retry_after_seconds(error.response.headers or {}))
                    raise
                answered = response.get("channel")
                turn.answered_in = answered if isinstance(answered, str) else None
                return response
        except TurnTooFarError as far:
            raise self._refusal(api_method, far) from None

    def _refusal(self, api_method: str, far: TurnTooFarError) -> PacedError:
        response = SlackResponse(
            client=self,
            http_verb="POST",
            api_url=f"{self.base_url.rstrip('/')}/{api_method}",
            req_args={},
            data={"ok": False, "error": "ratelimited"},
            headers={"Retry-After": f"{far.wait:.3f}"},
            status_code=429,
        )
        return PacedError(f"not sent: {far} (paced by this process)", response)


def _channel_of(*bodies: dict[str, Any] | None) -> str | None:
    for body in bodies:
        channel = (body or {}).get("channel")
        if isinstance(channel, str) and channel:
            return channel
    return None


def make_web_client(
    settings: Settings,
    token: str | None = None,
    sleep: Sleep = time.sleep,
    limits: SendLimits = DEFAULT_LIMITS,
    pacer: ChannelPacer | None = None,
) -> WebClient:
    """A WebClient on SLACK_API_URL within `limits`: it waits out short 429s, and retries 5xx
    and dropped connections of calls that can safely be made twice (`bot/core/web_api/retries.py`).
    With a `pacer` (one per process, shared by its clients), its posts keep to Slack's rate
    per channel, waiting at most `limits.pace_wait` for a channel's turn."""
    options: dict[str, Any] = {
        "token": token or settings.slack_bot_token,
        "base_url": settings.slack_api_url,
        # urllib takes fractions of a second, though the SDK's signature says int.
        "timeout": limits.timeout,
        "retry_handlers": retry_handlers(limits, sleep),
    }
    client = (
        WebClient(**options)
        if pacer is None
        else PacedWebClient(pacer, limits.pace_wait, **options)
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
