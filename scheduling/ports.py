"""The port the domain talks through to the outside: the notifier that takes scheduled
messages (reminders, digests) out of the building. bot/ implements it for Slack; tests and
benchmarks implement it with fakes. (The clock the domain reads is `clock.Clock`.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from scheduling.delivery.notices import Digest, ReminderNotice


@dataclass(frozen=True)
class Posted:
    """Where the platform put a message: its channel (a D… ID for DMs) and ts."""

    channel: str
    ts: str


class DeliveryError(Exception):
    """The platform refused, or could not be reached after the client's own retries."""

    def __init__(self, code: str, retry_after: float | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


class DeliveryNotifier(Protocol):
    """How scheduled messages leave the building. Every method may raise DeliveryError."""

    def send_reminder(self, notice: ReminderNotice) -> Posted:
        """Post the reminder."""

    def update_reminder(self, posted: Posted, notice: ReminderNotice) -> None:
        """Redraw a posted reminder (new RSVP counts)."""

    def send_digest(self, channel: str, digest: Digest, key: str) -> Posted:
        """Post the digest (several messages in one thread if long); return the first."""

    def already_sent(self, channel: str, key: str, since: datetime) -> Posted | None:
        """A message with this key posted since `since`, if the platform can tell."""
