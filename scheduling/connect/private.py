"""A DM that cannot reach its recipient goes to them privately in the consortium's
announcements channel (the one every partner of a Slack Connect consortium shares), at most
once.

One rule, said in the message itself: the announcements channel, whatever the message is
about (a meeting's own channel may not hold the partner, and one place is easier to tell).
The member is noted as not reachable by DM from then on (`/consortium status` lists them);
the next DM that gets through clears it, so every DM is still tried first.

At most once, not exactly once: a private (ephemeral) message cannot be read back, so a try
whose outcome is unknown (a dropped connection after Slack showed it) cannot be checked.
Before it is posted the delivery records that it is going privately; a later owner of the
delivery that finds that record marks it sent ("outcome unknown") instead of posting it
again. A definite refusal (the member is not in the channel) clears the record, so the next
try posts it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from scheduling.clock import Clock
from scheduling.ports import DeliveryError, DirectMessageRefusedError, PrivateDelivery
from storage.db import Database
from storage.repositories.deliveries import Claim

logger = logging.getLogger("consortium_bot.jobs")

PRIVATELY = "privately"  # the payload's record that a try went to post it privately
FALLBACK_PURPOSE = "announcements"
UNKNOWN_OUTCOME = (
    "sent privately (an ephemeral) in {channel}, outcome unknown: an ephemeral cannot be"
    " looked for, so it is not sent again"
)


class PrivateFallback:
    """The outbox's way around a refused DM (see the module's notes)."""

    def __init__(self, database: Database, clock: Clock, lease: timedelta) -> None:
        self.database = database
        self.clock = clock
        self.lease = lease

    def already_tried(self, claim: Claim) -> str | None:
        """The channel an earlier try went to post this delivery privately in, if any."""
        channel = claim.payload.get(PRIVATELY)
        return channel if isinstance(channel, str) else None

    def settle_unknown(self, claim: Claim, channel: str) -> bool:
        """An earlier private try whose outcome is unknown: recorded as sent, never posted
        again. False when this attempt no longer owns the delivery."""
        note = UNKNOWN_OUTCOME.format(channel=channel)
        with self.database.write() as work:
            settled = work.deliveries.mark_sent_privately(claim, channel, self.clock.now(), note)
        if settled:
            logger.warning("delivery %s: %s", claim.key, note)
        return settled

    def send(
        self,
        claim: Claim,
        message: object,
        refused: DirectMessageRefusedError,
        failed: Callable[[Claim, Exception, dict[str, Any] | None], None],
    ) -> bool:
        """Post `message` privately instead of the refused DM; True when it is recorded
        sent. `failed(claim, error, payload)` records a failure (with the payload to keep)."""
        now = self.clock.now()
        with self.database.write() as work:
            row = work.directory.channel(FALLBACK_PURPOSE)
            channel = row.slack_channel_id if row is not None else None
            if channel is None or not isinstance(message, PrivateDelivery) or claim.parts_sent:
                ready = False
            else:
                if work.directory.dm_unreachable(claim.channel, now):
                    logger.warning("no DM reaches %s (%s)", claim.channel, refused.code)
                going = {**claim.payload, PRIVATELY: channel}
                ready = work.deliveries.record_part(claim, 0, channel, "", now + self.lease, going)
        if channel is None or not isinstance(message, PrivateDelivery) or claim.parts_sent:
            reason = (
                f"{refused.code}: no DM reaches them, and no announcements channel to reach them in"
            )
            failed(claim, DeliveryError(reason), None)
            return False
        if not ready:
            return False  # taken over meanwhile
        try:
            message.privately(channel)
        except DeliveryError as error:
            # Refused for sure: nothing was shown, so the next try may post it. Unknown:
            # the record stays, and the next try settles it without posting.
            kept = None if error.ambiguous else dict(claim.payload)
            failed(claim, error, kept)
            return False
        with self.database.write() as work:
            return work.deliveries.mark_sent_privately(claim, channel, self.clock.now())
