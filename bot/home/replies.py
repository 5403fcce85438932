"""Answers to buttons pressed on the Home tab. A Home tab has no response_url, so the usual
`respond` (an ephemeral message below the pressed message) has nowhere to go: there, the
answer comes as a DM from the bot instead (the app's Messages tab), and the tab itself is
redrawn by what changed. One middleware swaps it in, so every button works on either."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookResponse

from bot.core.access import tell_presser
from bot.core.blocks import Message
from bot.door import Next


class DirectReply(AsyncRespond):
    """`respond` for a Home tab button: what would have been ephemeral comes as a DM."""

    def __init__(self, web: WebClient, user_id: str) -> None:
        super().__init__(response_url=None)
        self.web = web
        self.user_id = user_id

    async def __call__(  # type: ignore[override]
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[dict[str, Any] | Block] | None = None,
        **_: Any,
    ) -> WebhookResponse:
        if isinstance(text, dict):
            whole = text
            text, blocks = str(whole.get("text", "")), whole.get("blocks")
        shown = [b.to_dict() if isinstance(b, Block) else b for b in blocks or []]
        message = Message(text=text or "Done.", blocks=shown)
        # No channel and no response_url: the door's own way to answer lands in the DM.
        await asyncio.to_thread(tell_presser, self.web, self.user_id, message, None)
        return WebhookResponse(url="", status_code=200, body="", headers={})


def on_home_tab(body: dict[str, Any]) -> bool:
    view = body.get("view")
    return (
        body.get("type") == "block_actions"
        and isinstance(view, dict)
        and view.get("type") == "home"
        and not body.get("response_url")
    )


def reply_by_dm(web: WebClient) -> Callable[[AsyncBoltRequest, Next], Awaitable[Any]]:
    """Middleware: on the Home tab, `respond` sends a DM."""

    async def on_home_tab_by_dm(request: AsyncBoltRequest, next: Next) -> Any:
        body = request.body
        user = (body.get("user") or {}).get("id")
        if on_home_tab(body) and isinstance(user, str):
            request.context["respond"] = DirectReply(web, user)
        return await next()

    return on_home_tab_by_dm
