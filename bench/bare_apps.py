"""Bare Bolt apps whose `/consortium` listener only acks: the floor for `bench/ack_latency.py`.

Run one as `python bench/bare_apps.py NAME PORT` (uvicorn, same settings as `consortium-bot
serve`) or `uvicorn --factory bench.bare_apps:NAME`. They read SLACK_BOT_TOKEN,
SLACK_SIGNING_SECRET and SLACK_API_URL (`auth.test` is called once: at start-up for `App`,
on the first request for `AsyncApp`). `async_*` need aiohttp (`pip install aiohttp`).

- `async_ack`: `AsyncApp`, default `process_before_response=False` (the ack is polled every 10 ms)
- `async_ack_pbr`: `AsyncApp(process_before_response=True)`; with `BARE_ACK_BODY_FILE` set
  (`bench/commands.py` does) it also answers the bot's other commands, any form submission
  and any button, acking each with that file's body (a JSON object, else text, else nothing):
  the bot's own answer to the command measured, so both send the same bytes
- `sync_ack`: sync `App` behind Bolt's Starlette `SlackRequestHandler` (dispatch on the event loop)
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

ACK_BODY_FILE = "BARE_ACK_BODY_FILE"
COMMANDS = ("/consortium", "/meeting", "/round", "/update", "/digest")


def _starlette(handle: Callable[[Request], Awaitable[Response]]) -> Starlette:
    async def healthz(_: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route("/slack/events", handle, methods=["POST"]), Route("/healthz", healthz)]
    )


def _async_app(process_before_response: bool) -> Starlette:
    from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    app = AsyncApp(
        client=AsyncWebClient(os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=process_before_response,
    )

    body_file = os.environ.get(ACK_BODY_FILE)
    if body_file is None:

        @app.command("/consortium")
        async def only_ack(ack: AsyncAck) -> None:
            await ack()

        return _starlette(AsyncSlackRequestHandler(app).handle)

    answer = _ack_body(Path(body_file).read_text(encoding="utf-8"))

    async def ack_with_body(ack: AsyncAck) -> None:
        await ack(answer)

    for command in COMMANDS:
        app.command(command)(ack_with_body)
    app.view(re.compile(".*"))(ack_with_body)
    app.action(re.compile(".*"))(ack_with_body)
    return _starlette(AsyncSlackRequestHandler(app).handle)


def _ack_body(text: str) -> dict[str, Any] | str:
    """What Bolt's `ack` sends back as `text`: a JSON object as itself, anything else as text."""
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    return parsed if isinstance(parsed, dict) else text


async_ack = partial(_async_app, process_before_response=False)
async_ack_pbr = partial(_async_app, process_before_response=True)


def sync_ack() -> Starlette:
    from slack_bolt import Ack, App
    from slack_bolt.adapter.starlette import SlackRequestHandler
    from slack_sdk import WebClient

    app = App(
        client=WebClient(os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    )

    @app.command("/consortium")
    def only_ack(ack: Ack) -> None:
        ack()

    return _starlette(SlackRequestHandler(app).handle)


FACTORIES: dict[str, Callable[[], Starlette]] = {
    "async_ack": async_ack,
    "async_ack_pbr": async_ack_pbr,
    "sync_ack": sync_ack,
}

if __name__ == "__main__":
    import uvicorn

    if len(sys.argv) != 3 or sys.argv[1] not in FACTORIES:
        raise SystemExit(f"usage: bare_apps.py {{{','.join(FACTORIES)}}} PORT")
    uvicorn.run(FACTORIES[sys.argv[1]](), host="127.0.0.1", port=int(sys.argv[2]), log_level="info")
