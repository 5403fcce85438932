"""The app factory: a Bolt AsyncApp wired to the services of the composition root; no globals.

Acks run on the event loop and answer from memory (the directory snapshot) or from quick
database calls made in a worker thread; Web API calls (invites, the Home tab, the form) run
after the ack in the background lanes, with a synchronous WebClient that never waits out a
rate limit in its thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from bot import (
    actions,
    agenda,
    attendance,
    checks,
    consortium,
    home,
    lifecycle,
    meetings,
    privacy,
    reminders,
    rounds,
    updates,
)
from bot.composition import Services, compose
from bot.core import access, errors, log_secrets, paging, readings
from bot.core.web_api.background import Background
from bot.core.web_api.clients import make_async_web_client, make_web_client
from bot.core.web_api.pacing import ChannelPacer
from bot.core.web_api.retries import AFTER_THE_ACK
from bot.door import Registrar
from bot.lifecycle import retries
from bot.lifecycle.startup import resume
from bot.meetings.invitations import Mailer
from bot.settings import Settings
from scheduling.clock import Clock
from storage.db import Database

logger = logging.getLogger("consortium_bot")

FEATURES = (
    consortium,
    home,
    meetings,
    updates,
    rounds,
    reminders,
    agenda,
    attendance,
    actions,
    checks,
    privacy,
    lifecycle,
)


@dataclass(frozen=True)
class Bot:
    """The Bolt app and the services behind it (the scheduler needs the latter)."""

    app: AsyncApp
    services: Services


class _IgnoredTokenNotice(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN is ignored when `authorize` is given; here that is
    the point (authorize answers with the token checked at start-up), so drop the notice."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "will be ignored" not in message and "will be unused" not in message


def build_app(
    settings: Settings,
    database: Database,
    clock: Clock,
    *,
    client: WebClient | None = None,
    web: WebClient | None = None,
    background: Background | None = None,
    mailer: Mailer | None = None,
) -> Bot:
    """Build the Bolt app; checks the bot token once with `auth.test` (SlackApiError if bad).

    `process_before_response=True` sends the HTTP response as soon as the listener returns,
    instead of polling for the ack every 10 ms.
    """
    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    # One pacer for the process: the scheduler's posts and those after an ack share each
    # channel's turns (`bot/core/web_api/pacing.py`).
    pacer = ChannelPacer()
    client = client or make_web_client(settings, pacer=pacer)
    identity = client.auth_test()
    authorized = AuthorizeResult(
        enterprise_id=identity.get("enterprise_id"),
        team_id=identity.get("team_id"),
        bot_token=settings.slack_bot_token,
        bot_id=identity.get("bot_id"),
        bot_user_id=identity.get("user_id"),
    )

    async def authorize(**_: Any) -> AuthorizeResult:
        # One workspace, one token: the identity checked at start-up answers every request.
        return authorized

    # Acks, Web API bodies and the Home tab carry feed links: no log record shows their tokens.
    log_secrets.install()
    web = web or make_web_client(settings, limits=AFTER_THE_ACK, pacer=pacer)
    background = background or Background.pools()
    bolt_logger = logging.getLogger("consortium_bot.bolt")
    if not any(isinstance(f, _IgnoredTokenNotice) for f in bolt_logger.filters):
        bolt_logger.addFilter(_IgnoredTokenNotice())
    app = AsyncApp(
        client=make_async_web_client(settings),
        signing_secret=settings.slack_signing_secret,
        authorize=authorize,
        process_before_response=True,
        logger=bolt_logger,
    )
    services = compose(settings, database, clock, client, web, background, mailer=mailer)
    named = services.by_name()
    door = Registrar(app, named)
    # A retried event stops here, before any other middleware.
    retries.install(door, services.lifecycle, authorized.bot_user_id)
    errors.install(app, named)
    access.install(door, services.directory, services.background, services.web)
    readings.install(door)
    for feature in FEATURES:
        feature.register(door)
    paging.install(door)  # after the features: the More buttons none of them answers
    door.close()
    # The token works: a workspace marked inactive (uninstalled, token revoked) is active again.
    resume(services.lifecycle, identity.get("team_id"))
    return Bot(app, services)
