"""The workspace's lifecycle as stored: whether the bot's workspace is active (the consortium
row's team and `inactive_since`), and which members Slack reported deactivated."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import Consortium, Member

CONSORTIUM_ROW = 1


class WorkspaceRow(NamedTuple):
    team_id: str | None
    inactive_since: datetime | None
    inactive_reason: str | None


class LifecycleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def workspace(self) -> WorkspaceRow | None:
        """The workspace's state, or None before a consortium file was imported."""
        row = self.session.execute(
            select(Consortium.team_id, Consortium.inactive_since, Consortium.inactive_reason).where(
                Consortium.id == CONSORTIUM_ROW
            )
        ).first()
        return WorkspaceRow(*row) if row is not None else None

    def mark_inactive(self, reason: str, at: datetime) -> bool:
        """Mark the workspace inactive since `at`, unless it already is (the first reason
        and instant stay); True when this call marked it."""
        marked = self.session.execute(
            update(Consortium)
            .where(Consortium.id == CONSORTIUM_ROW, Consortium.inactive_since.is_(None))
            .values(inactive_since=at, inactive_reason=reason)
        )
        return marked.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def mark_active(self, team_id: str) -> None:
        """The workspace `team_id` works again: no longer inactive, and known by its team."""
        self.session.execute(
            update(Consortium)
            .where(Consortium.id == CONSORTIUM_ROW)
            .values(team_id=team_id, inactive_since=None, inactive_reason=None)
        )

    def set_deactivated(self, slack_id: str, at: datetime | None) -> bool:
        """Record that a member's Slack account was deactivated at `at` (None: reactivated);
        True when that changed something (an unknown user changes nothing)."""
        unchanged = (
            Member.deactivated_at.is_(None) if at is None else Member.deactivated_at.is_not(None)
        )
        changed = self.session.execute(
            update(Member).where(Member.slack_id == slack_id, ~unchanged).values(deactivated_at=at)
        )
        return changed.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def deactivated_since(self, slack_id: str) -> datetime | None:
        """Since when the member `slack_id` is deactivated in Slack (None: not, or unknown)."""
        return self.session.scalar(select(Member.deactivated_at).where(Member.slack_id == slack_id))

    def deactivated_members(self) -> list[tuple[str, datetime]]:
        """Every deactivated member's Slack ID and since when, longest first."""
        rows = self.session.execute(
            select(Member.slack_id, Member.deactivated_at)
            .where(Member.deactivated_at.is_not(None))
            .order_by(Member.deactivated_at, Member.slack_id)
        )
        return [(slack_id, at) for slack_id, at in rows if at is not None]
