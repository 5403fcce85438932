"""A start-up with a working token makes an inactive workspace active again: `build_app`
(whose `auth.test` just succeeded) and `consortium-bot tick` (which asks `auth.test` only
while the workspace is inactive) both come here."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.lifecycle.blocks import why_inactive
from scheduling.lifecycle.service import LifecycleService

logger = logging.getLogger("consortium_bot.lifecycle")


def resume(lifecycle: LifecycleService, team_id: str | None) -> None:
    """The token works for `team_id`: an inactive workspace of that team is active again,
    and the messages it kept go out by each kind's rules (those past their time are given
    up with the reason, as after any outage)."""
    if not team_id:
        return
    resumed = lifecycle.started(team_id)
    if resumed.stored_team is not None:
        logger.error(
            "SLACK_BOT_TOKEN is for the Slack workspace %s, but this database's consortium "
            "runs in %s: its state is left as it is",
            team_id,
            resumed.stored_team,
        )
    elif resumed.was is not None:
        logger.warning(
            "the workspace %s is active again (inactive since %s UTC: %s); the messages kept "
            "meanwhile go out now, or are given up when too late for their kind",
            team_id,
            f"{resumed.was.since:%Y-%m-%d %H:%M}",
            why_inactive(resumed.was),
        )


def resume_if_token_works(client: WebClient, lifecycle: LifecycleService) -> None:
    """For `tick`: while the workspace is inactive, ask `auth.test` whether the configured
    token works again (a reinstall); an active workspace costs no call."""
    if lifecycle.state() is None:
        return
    try:
        identity = client.auth_test()
    except SlackApiError as error:
        logger.warning(
            "the workspace is still inactive: Slack refuses the token (%s)",
            error.response.get("error"),
        )
        return
    resume(lifecycle, identity.get("team_id"))
