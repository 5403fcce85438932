"""After the ack: round requests by DM, and export files sent to whoever asked. Works from
what the service returned; failures are logged with Slack's error and told to whoever waits."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.mrkdwn import escape
from bot.rounds.blocks import round_request
from bot.updates.publisher import tell
from scheduling.naming import slugify
from scheduling.updates.documents import render
from scheduling.updates.exports import RoundReport
from scheduling.updates.rounds import RoundRequests

logger = logging.getLogger("consortium_bot.updates")


class RoundMessenger:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def ask(self, requests: RoundRequests) -> int:
        """DM the members of each country; returns how many messages went out."""
        round_ = requests.round
        sent = 0
        unreachable = []
        for request in requests.countries:
            if not request.members:
                unreachable.append(request.country.code)
                continue
            message = round_request(round_, request.country, requests.reminder)
            for slack_id in request.members:
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
                    unreachable.append(request.country.code)
        if requests.requested_by and unreachable:
            tell(
                self.client,
                requests.requested_by,
                "I could not ask "
                + ", ".join(sorted(set(unreachable)))
                + ": nobody there could be reached.",
            )
        return sent

    def send_export(self, user_id: str, report: RoundReport, format_name: str) -> None:
        """Render the report and upload it to the caller's DM with the bot."""
        try:
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
            code = error.response.get("error")
            logger.warning("export of %s failed: %s", report.title, code)
            tell(self.client, user_id, f"The export could not be sent: {code}.")
        except Exception:
            # Whatever broke (a report, a file format), the person waiting must hear of it.
            logger.exception("export of %s failed", report.title)
            tell(
                self.client, user_id, "The export could not be made; the error is in the bot's log."
            )
