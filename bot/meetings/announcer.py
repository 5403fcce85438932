"""Posting a meeting change: the card in the meeting's channel and its .ics in the thread.

Runs after the ack, on the background executor, from values the service returned (no
database here). A failure is logged with Slack's error code and told to the person who
asked, in a DM, rather than lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlparse

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.mrkdwn import channel_link
from bot.meetings.blocks import cancellation_note, meeting_card
from scheduling.clock import Clock
from scheduling.meetings.calendar import cancellation_file, invite_file
from scheduling.meetings.service import MeetingChange
from scheduling.naming import slugify

logger = logging.getLogger("consortium_bot.notifier")


@dataclass(frozen=True)
class Announcement:
    change: MeetingChange
    headline: str
    requested_by: str | None = None


def ics_filename(title: str) -> str:
    return f"{slugify(title, 'meeting')}.ics"


class MeetingAnnouncer:
    def __init__(self, client: WebClient, clock: Clock, public_url: str | None) -> None:
        self.client = client
        self.clock = clock
        host = urlparse(public_url).hostname if public_url else None
        self.organizer = f"mailto:noreply@{host or 'consortium-bot.invalid'}"

    def announce(self, announcement: Announcement) -> None:
        """Post the card to the meeting's channel and its calendar file in the card's thread."""
        change = announcement.change
        series = change.series
        channel = change.channel
        if channel is None:
            self._tell(announcement, f"#{series.id} has no channel, so I posted no invite.")
            return
        now = self.clock.now()
        if change.cancelled:
            ics = cancellation_file(
                series, change.consortium, self.organizer, now, change.occurrence_local
            )
            note = cancellation_note(change.occurrence_local)
        else:
            ics = invite_file(series, change.consortium, now)
            note = None
        card = meeting_card(series, change.shown, announcement.headline, note)
        try:
            posted = self.client.chat_postMessage(
                channel=channel, text=card.text, blocks=card.blocks, unfurl_links=False
            )
            self.client.files_upload_v2(
                channel=channel,
                thread_ts=posted["ts"],
                content=ics,
                filename=ics_filename(series.title),
                title=f"{series.title} (calendar file)",
            )
        except SlackApiError as error:
            code = error.response.get("error", "unknown_error")
            logger.warning("invite for meeting %s not posted to %s: %s", series.id, channel, code)
            hint = (
                " Invite me to the channel with `/invite @consortium`."
                if code in ("not_in_channel", "channel_not_found")
                else ""
            )
            self._tell(
                announcement,
                f"I could not post the invite for #{series.id} to {channel_link(channel)}: {code}.{hint}",
            )

    def _tell(self, announcement: Announcement, text: str) -> None:
        if announcement.requested_by is None:
            return
        try:
            self.client.chat_postMessage(channel=announcement.requested_by, text=text)
        except SlackApiError as error:
            logger.warning(
                "could not tell %s: %s", announcement.requested_by, error.response.get("error")
            )
