"""The outbox's values: the kinds of message the bot sends on its own initiative, how the
jobs deliver them, what a sweep did, and a delivery due for a try."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scheduling.lifecycle.workspace import WorkspaceInactive
from scheduling.ports import DeliveryError


class DeliveryKind(enum.StrEnum):
    REMINDER = "reminder"
    DIGEST = "digest"
    INVITE = "invite"
    ROUND_REQUEST = "round"
    CARD = "card"
    MAIL = "mail"
    ATTENDANCE = "attendance"
    AGENDA = "agenda"
    NUDGE = "nudge"


@dataclass(frozen=True)
class JobSettings:
    """How the jobs deliver. `lease` is how long a claim is owned for one step of a send (a
    part, or asking the platform for one): it must outlast the longest such step, which the
    composition root checks against the Slack client's own time limits."""

    grace: timedelta = timedelta(minutes=30)
    digest_grace: timedelta = timedelta(hours=6)
    lease: timedelta = timedelta(minutes=10)
    max_attempts: int = 6
    retry_base: timedelta = timedelta(minutes=1)


@dataclass
class SweepReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    duplicates_avoided: int = 0
    deferred: int = 0  # DMs put back until their recipient's working hours
    held: int = 0  # messages newly kept in the queue while the workspace is inactive
    inactive: WorkspaceInactive | None = None  # set: nothing was (or will be) sent
    errors: list[str] = field(default_factory=list)
    # Why each failed key failed (its code, how long the platform asked to wait, whether it
    # may have gone out all the same).
    failures: dict[str, DeliveryError] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"{self.sent} sent", f"{self.skipped} skipped", f"{self.failed} failed"]
        if self.duplicates_avoided:
            parts.append(f"{self.duplicates_avoided} already handled")
        if self.deferred:
            parts.append(f"{self.deferred} waiting for working hours")
        if self.inactive is not None:
            held = f", {self.held} kept queued" if self.held else ""
            parts.append(f"{self.inactive.words()}: nothing sent{held}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Pending:
    """A delivery due for a try: queued, a failure whose wait is over, or an expired claim."""

    key: str
    kind: DeliveryKind
    channel: str
    due_at: datetime
    payload: dict[str, Any]
