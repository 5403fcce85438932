"""Which workspace a request comes from, and what the door makes of a member acting from
another workspace than the consortium file names (see the package's notes)."""

from __future__ import annotations

import logging
from typing import Any

from scheduling.consortium.directory import MemberProfile

logger = logging.getLogger("consortium_bot.access")

# (member, workspace) pairs already logged: one line each per process, not one per click.
_LOGGED: set[tuple[str, str]] = set()


def acting_team(body: dict[str, Any]) -> str | None:
    """The workspace the user acts from: a slash command's `team_id` (where they are in
    Slack), an interaction's `user.team_id`."""
    if body.get("command"):
        team = body.get("team_id")
    else:
        user = body.get("user")
        team = user.get("team_id") if isinstance(user, dict) else None
    return team if isinstance(team, str) and team else None


def note_team(profile: MemberProfile, team: str | None) -> str | None:
    """The mismatch between the workspace `profile` acts from and the one the consortium
    file names for them, worded for the log (None when they agree or either is unknown).
    Logged once, never refused: the Slack ID already names the member."""
    if profile.team_id is None or team is None or team == profile.team_id:
        return None
    said = (
        f"{profile.slack_id} ({profile.name}) acts from workspace {team}, but the consortium"
        f" file gives {profile.team_id}: accepted by their Slack ID; correct the file's team_id"
    )
    if (profile.slack_id, team) not in _LOGGED:
        _LOGGED.add((profile.slack_id, team))
        logger.warning(said)
    return said
