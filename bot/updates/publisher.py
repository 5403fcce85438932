"""After-the-ack work for updates and rounds: cards in the updates channel, round requests
by DM, and export files sent to whoever asked. Failures are logged with Slack's error and,
where someone is waiting, told to them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.mrkdwn import escape
from bot.updates.blocks import round_request, update_card
from scheduling.clock import Clock
from scheduling.consortium.directory import CountryRef, DirectoryService
from scheduling.naming import slugify
from scheduling.updates.exports import build_report, render
from scheduling.updates.rounds import RoundService
from scheduling.updates.service import UpdateService
from storage.db import Database
from storage.repositories import DirectoryRepository

logger = logging.getLogger("consortium_bot.updates")

UPDATES_CHANNEL_PURPOSES = ("updates", "announcements")


@dataclass(frozen=True)
class RoundRequests:
    round_id: int
    country_codes: tuple[str, ...]
    reminder: bool
    requested_by: str | None = None


class UpdateNotifier:
    def __init__(
        self,
        client: WebClient,
        database: Database,
        clock: Clock,
        directory: DirectoryService,
        updates: UpdateService,
        rounds: RoundService,
    ) -> None:
        self.client = client
        self.database = database
        self.clock = clock
        self.directory = directory
        self.updates = updates
        self.rounds = rounds

    def __deepcopy__(self, memo: dict[int, object]) -> UpdateNotifier:
        return self  # shared: it holds the Web API client

    def updates_channel(self) -> str | None:
        """The channel the consortium file names for updates, else its announcements channel."""
        with self.database.read() as session:
            directory = DirectoryRepository(session)
            for purpose in UPDATES_CHANNEL_PURPOSES:
                channel = directory.channel(purpose)
                if channel is not None:
                    return channel.slack_channel_id
        return None

    def publish(self, update_id: int, author_id: str) -> None:
        """Post the update's card, or refresh it in place after an edit (its thread stays)."""
        update = self.updates.get(update_id)
        names = self.directory.names()
        card = update_card(update, names)
        try:
            if update.posted_channel and update.posted_ts:
                self.client.chat_update(
                    channel=update.posted_channel,
                    ts=update.posted_ts,
                    text=card.text,
                    blocks=card.blocks,
                )
                return
            channel = self.updates_channel()
            if channel is None:
                self._tell(
                    author_id,
                    "Your update is saved, but no updates channel is set up to post it in.",
                )
                return
            posted = self.client.chat_postMessage(
                channel=channel, text=card.text, blocks=card.blocks, unfurl_links=False
            )
            self.updates.record_post(update.id, posted["channel"], posted["ts"])
        except SlackApiError as error:
            code = error.response.get("error", "unknown_error")
            logger.warning("update %s not posted: %s", update_id, code)
            self._tell(
                author_id, f"Your update #{update_id} is saved but could not be posted: {code}."
            )

    def ask(self, requests: RoundRequests) -> int:
        """DM the partners of each country; returns how many messages went out."""
        round_ = self.rounds.resolve(str(requests.round_id))
        partners = self.rounds.partners(list(requests.country_codes))
        countries = {c.code: c for c in self._countries()}
        sent = 0
        unreachable = []
        for code in requests.country_codes:
            country = countries.get(code)
            if country is None or not partners.get(code):
                unreachable.append(code)
                continue
            message = round_request(round_, country, requests.reminder)
            for slack_id in partners[code]:
                try:
                    self.client.chat_postMessage(
                        channel=slack_id, text=message.text, blocks=message.blocks
                    )
                    sent += 1
                except SlackApiError as error:
                    logger.warning(
                        "round %s: DM to %s failed: %s",
                        round_.id,
                        slack_id,
                        error.response.get("error"),
                    )
                    unreachable.append(code)
        if requests.requested_by and unreachable:
            self._tell(
                requests.requested_by,
                "I could not ask "
                + ", ".join(sorted(set(unreachable)))
                + ": nobody there could be reached.",
            )
        return sent

    def send_export(self, user_id: str, round_id: int, format_name: str) -> None:
        """Build the report and upload it to the caller's DM with the bot."""
        try:
            report = build_report(self.database, self.clock, round_id)
            content = render(report, format_name)
            opened = self.client.conversations_open(users=user_id)
            channel = opened["channel"]["id"]
            self.client.files_upload_v2(
                channel=channel,
                content=content,
                filename=f"{slugify(report.title, 'round')}.{format_name}",
                title=f"{report.title} ({format_name})",
                initial_comment=f"The {format_name} export of “{escape(report.title)}”.",
            )
        except SlackApiError as error:
            logger.warning("export of round %s failed: %s", round_id, error.response.get("error"))
            self._tell(user_id, f"The export could not be sent: {error.response.get('error')}.")
        except Exception:
            # Whatever broke (a report, a file format), the person waiting must hear of it.
            logger.exception("export of round %s failed", round_id)
            self._tell(user_id, "The export could not be made; the error is in the bot's log.")

    def _countries(self) -> list[CountryRef]:
        with self.database.read() as session:
            return [
                CountryRef(c.code, c.name, c.role) for c in DirectoryRepository(session).countries()
            ]

    def _tell(self, user_id: str, text: str) -> None:
        try:
            self.client.chat_postMessage(channel=user_id, text=text)
        except SlackApiError as error:
            logger.warning("could not tell %s: %s", user_id, error.response.get("error"))
