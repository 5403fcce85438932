"""After the ack: a meeting change's announcement (its card in the meeting's channel and its
.ics in the thread), which the change queued in the outbox, sent at once.

The outbox makes it go out once (`scheduling/delivery/`); what does not get through now is
retried by the jobs. The person who asked is told, by DM, when it cannot be posted for a
reason of Slack's that will not pass by itself (the bot is not in the channel, say).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient

from bot.core.mrkdwn import channel_link
from bot.core.web_api.background import Lane, refusals
from bot.updates.publisher import tell
from scheduling.delivery.jobs import Jobs
from scheduling.meetings.service import MeetingChange

logger = logging.getLogger("consortium_bot.notifier")

# Channel errors a coordinator can fix by inviting the bot.
CHANNEL_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


class MeetingAnnouncer:
    def __init__(
        self,
        client: WebClient,
        outbox: Jobs,
        lane: Lane,
        changed: Callable[[], None] = lambda: None,
    ) -> None:
        self.client = client
        self.outbox = outbox
        self.lane = lane
        self.changed = changed  # redraws what shows the meetings (the Home tabs)

    def announce(self, change: MeetingChange, requested_by: str | None, tries: int = 1) -> None:
        """Send the change's queued announcement; tell `requested_by` what stands in its way."""
        series = change.series
        if tries == 1:
            self.changed()
        if change.invitations and tries == 1:
            # Beside the card, on the lane: a slow mail server holds up no Slack message.
            self.lane.run(self.outbox.dispatch, list(change.invitations))
        if change.announcement is None:
            if requested_by is not None:
                tell(
                    self.client,
                    requested_by,
                    f"#{series.id} has no channel, so I posted no invite.",
                )
            return
        failures = self.outbox.dispatch([change.announcement]).failures
        refused = refusals(
            failures, self.lane, tries, lambda again: self.announce(change, requested_by, again)
        )
        error = refused.get(change.announcement)
        if error is None:
            return  # sent, or on its way
        logger.warning("invite for meeting %s not posted yet: %s", series.id, error.code)
        if requested_by is None or change.channel is None:
            return
        hint = (
            " Invite me to the channel with `/invite @consortium`; I will keep trying for about"
            " half an hour."
            if error.code in CHANNEL_ERRORS
            else " I will try again."
        )
        tell(
            self.client,
            requested_by,
            f"I could not post the invite for #{series.id} to {channel_link(change.channel)}:"
            f" {error.code}.{hint}",
        )
