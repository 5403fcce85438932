"""The workspace's lifecycle as Slack reports it, in one transaction each: the app
uninstalled or the bot's token revoked (the outbox stops), a start-up with a working token
(it goes on), a member's account deactivated or reactivated, and the events already handled.

Nothing of what `user_change` carries is stored but that the account is deactivated and
since when, and only for members the consortium knows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from scheduling.clock import Clock
from scheduling.consortium.directory import MemberProfile
from scheduling.lifecycle.workspace import (
    TOKENS_REVOKED,
    DeactivatedMember,
    Resumed,
    WorkspaceInactive,
)
from storage.db import Database
from storage.repositories import UnitOfWork


def workspace_state(work: UnitOfWork) -> WorkspaceInactive | None:
    """The workspace's inactivity as stored in this transaction (None: active)."""
    row = work.lifecycle.workspace()
    if row is None or row.inactive_since is None:
        return None
    return WorkspaceInactive(row.inactive_since, row.inactive_reason or "unknown")


def deactivated_members(
    work: UnitOfWork, profiles: Mapping[str, MemberProfile]
) -> list[DeactivatedMember]:
    """The members deactivated in Slack, longest first, with their names and countries."""
    found = []
    for slack_id, since in work.lifecycle.deactivated_members():
        profile = profiles.get(slack_id)
        name = profile.name if profile is not None else slack_id
        countries = profile.countries if profile is not None else ()
        found.append(DeactivatedMember(slack_id, name, countries, since))
    return found


class LifecycleService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def first_time(self, event_id: str) -> bool:
        """Record an Events API delivery: True the first time its `event_id` is seen, False
        for a retry (or a second instance's copy of it). The daily retention run forgets
        old IDs (`slack_events` in the consortium file's `retention:`)."""
        with self.database.write() as work:
            return work.events.record(event_id, self.clock.now())

    def forget_event(self, event_id: str) -> None:
        """Handling the event failed: its retry is to be handled as a first delivery."""
        with self.database.write() as work:
            work.events.forget(event_id)

    def state(self) -> WorkspaceInactive | None:
        with self.database.read() as work:
            return workspace_state(work)

    def deactivate(self, reason: str) -> WorkspaceInactive | None:
        """The workspace takes nothing any more (`reason`): its state when this call marked
        it, None when it was inactive already (the first reason and instant stay)."""
        now = self.clock.now()
        with self.database.write() as work:
            if not work.lifecycle.mark_inactive(reason, now):
                return None
        return WorkspaceInactive(now, reason)

    def tokens_revoked(
        self, bot_users: Collection[str], our_bot_user: str | None
    ) -> WorkspaceInactive | None:
        """Slack revoked the tokens of `bot_users`: only our own bot's makes the workspace
        inactive (another app's, or a user's token, is none of ours)."""
        if our_bot_user is None or our_bot_user not in bot_users:
            return None
        return self.deactivate(TOKENS_REVOKED)

    def started(self, team_id: str) -> Resumed:
        """A start-up whose token works for `team_id` (its `auth.test` succeeded): the
        workspace is active again when it is the one stored (or none was); a token for
        another team changes nothing."""
        with self.database.write() as work:
            row = work.lifecycle.workspace()
            if row is None:
                return Resumed()
            if row.team_id is not None and row.team_id != team_id:
                return Resumed(stored_team=row.team_id)
            was = workspace_state(work)
            if was is not None or row.team_id is None:
                work.lifecycle.mark_active(team_id)
        return Resumed(was=was)

    def account_changed(self, slack_id: str, deleted: bool) -> bool:
        """Slack says a user's account is (`deleted`) or is no longer deactivated: for a
        member, recorded (since now); True when that changed. Unknown users change nothing
        and nothing of them is kept."""
        with self.database.write() as work:
            return work.lifecycle.set_deactivated(slack_id, self.clock.now() if deleted else None)
