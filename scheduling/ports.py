"""The port the domain talks through to the outside: the notifier that takes the messages the
bot sends on its own initiative (reminders, digests, meeting announcements, round requests,
update cards)
out of the building. bot/ implements it for Slack; tests and benchmarks implement it with
fakes. (The clock the domain reads is `clock.Clock`.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from scheduling.agenda.facts import AgendaDraftNotice
from scheduling.delivery.notices import (
    CardNotice,
    Digest,
    InvitationNotice,
    InviteNotice,
    ReminderNotice,
    RoundRequestNotice,
)


@dataclass(frozen=True)
class Posted:
    """Where the platform put a message: its channel (a D… ID for DMs) and ts."""

    channel: str
    ts: str


class DeliveryError(Exception):
    """The platform refused, or could not be reached after the client's own retries.

    `ambiguous`: the call may have taken effect all the same (a dropped connection, a timeout,
    a 5xx), so the next try asks the platform for the message before posting it again;
    `permanent`: it never will, so it is recorded and not tried again; `revoked`: the
    platform takes nothing from the bot any more (its token is dead), so the workspace is
    marked inactive and the message waits in the queue."""

    def __init__(
        self,
        code: str,
        retry_after: float | None = None,
        *,
        ambiguous: bool = False,
        permanent: bool = False,
        revoked: bool = False,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after
        self.ambiguous = ambiguous
        self.permanent = permanent  # trying again would be refused again (a mail server's 5xx)
        self.revoked = revoked


class DirectMessageRefusedError(DeliveryError):
    """No direct message reaches this recipient (a partner of another workspace whose
    organisation keeps apps of other workspaces out of DMs): asking again is refused again
    until that changes, so what was meant for their DM goes to them privately instead."""


@runtime_checkable
class PrivateDelivery(Protocol):
    """A DM that can reach its recipient privately in a channel they share with the bot
    instead (an ephemeral message on Slack). Such a message cannot be looked for afterwards,
    so the outbox sends it at most once."""

    def privately(self, channel: str) -> Posted:
        """Every part, shown only to the recipient in `channel`; may raise DeliveryError."""
        ...


class Outgoing(Protocol):
    """One message the outbox delivers, in `parts` parts: the first posted on its own, the
    others in its thread. Both methods may raise DeliveryError."""

    @property
    def parts(self) -> int: ...

    def send(self, part: int, thread: Posted | None) -> Posted:
        """Post part `part` (from 0); `thread` is where part 0 went, for the others."""
        ...

    def find(self, part: int, thread: Posted | None) -> Posted | None:
        """Where part `part` was posted, if the platform has it (asked after a try whose
        outcome is unknown); None when it is not there or cannot be told."""
        ...

    def frozen(self) -> dict[str, Any]:
        """The parts as they are, for the outbox to keep once the first went out: a retry
        posts the rest as they were then, not made again from what changed since."""
        ...


class DeliveryNotifier(Protocol):
    """How the bot's own messages leave the building: each kind made into an `Outgoing`."""

    def reminder(self, notice: ReminderNotice) -> Outgoing:
        """A meeting's reminder, in its channel or a member's DM."""
        ...

    def update_reminder(self, posted: Posted, notice: ReminderNotice) -> None:
        """Redraw a posted reminder (new RSVP counts); may raise DeliveryError."""
        ...

    def digest(self, channel: str, digest: Digest, key: str) -> Outgoing:
        """The weekly digest (several messages in one thread if long)."""
        ...

    def invite(self, notice: InviteNotice) -> Outgoing:
        """A meeting change's card in its channel, and its calendar file in the card's thread."""
        ...

    def round_request(self, notice: RoundRequestNotice) -> Outgoing:
        """A DM asking a member for their country's update in a round."""
        ...

    def card(self, notice: CardNotice) -> Outgoing:
        """An update's card in the updates channel."""
        ...

    def invitation(self, notice: InvitationNotice) -> Outgoing:
        """A calendar invitation (or cancellation) by e-mail to one member."""
        ...

    def agenda_draft(self, notice: AgendaDraftNotice) -> Outgoing:
        """An occurrence's draft agenda, in a coordinator's DM."""
        ...

    def thaw(self, channel: str, key: str, frozen: dict[str, Any]) -> Outgoing:
        """A message of several parts as `Outgoing.frozen` kept it."""
        ...


@dataclass(frozen=True)
class OnePart:
    """An `Outgoing` of one part that cannot be looked for: for fakes and benchmarks."""

    post: Callable[[], Posted]
    parts: int = 1

    def send(self, part: int, thread: Posted | None) -> Posted:
        return self.post()

    def find(self, part: int, thread: Posted | None) -> Posted | None:
        return None

    def frozen(self) -> dict[str, Any]:
        return {}
