"""The lifecycle's values: whether the bot's workspace takes messages (the outbox, the status
and the start-up share it), and the members deactivated in Slack (the Home tab shows them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scheduling.consortium.directory import CountryRef

# Why a workspace went inactive, when Slack said so by an event; otherwise the Web API's own
# error code is the reason (`invalid_auth`, `account_inactive`, `token_revoked`, `not_authed`).
APP_UNINSTALLED = "app_uninstalled"
TOKENS_REVOKED = "tokens_revoked"


@dataclass(frozen=True)
class WorkspaceInactive:
    """Nothing is sent since `since`, for `reason`: what is due stays queued until the app
    works again in the same workspace (a start-up whose `auth.test` succeeds)."""

    since: datetime
    reason: str

    def words(self) -> str:
        return f"workspace inactive since {self.since:%Y-%m-%d %H:%M} UTC ({self.reason})"


@dataclass(frozen=True)
class Resumed:
    """What a start-up found: the workspace was inactive (`was`, None if not) and is active
    again; or, when the token is for another team than the one stored (`stored_team`),
    nothing changed."""

    was: WorkspaceInactive | None = None
    stored_team: str | None = None  # set only when the token is for another team


@dataclass(frozen=True)
class DeactivatedMember:
    """A member Slack reported deactivated: the coordinators are asked to remove them."""

    slack_id: str
    name: str
    countries: tuple[CountryRef, ...]
    since: datetime
