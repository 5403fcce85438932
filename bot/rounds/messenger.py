"""After the ack: the round requests the service queued, sent by DM through the outbox, and
export files sent to whoever asked. Failures are logged and told to whoever waits."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.mrkdwn import escape
from bot.core.web_api.background import Lane, refusals
from bot.updates.publisher import tell
from scheduling.delivery.jobs import Jobs
from scheduling.naming import slugify
from scheduling.ports import DeliveryError
from scheduling.updates.documents import render
from scheduling.updates.exports import RoundReport
from scheduling.updates.rounds import RoundRequests

logger = logging.getLogger("consortium_bot.updates")


class RoundMessenger:
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
        self.changed = changed  # redraws what shows the rounds (the Home tabs)

    def ask(self, requests: RoundRequests) -> int:
        """Send the requests the round's opening or reminder queued; returns how many went
        out now. Whoever asked hears of members Slack refused to reach (the jobs try those
        again); countries with no member listed were named in the reply to the command."""
        keys = [key for request in requests.countries for key in request.keys]
        report = self.outbox.dispatch(keys)
        if not requests.reminder:
            self.changed()  # after the requests went: the tabs count what was sent
        refused = self._refused(report.failures, 1)
        reasons: dict[str, str] = {}
        for request in requests.countries:
            for key in request.keys:
                if key in refused:
                    reasons[request.country.code] = refused[key].code
        if requests.requested_by and reasons:
            named = ", ".join(f"{code} ({why})" for code, why in sorted(reasons.items()))
            tell(
                self.client,
                requests.requested_by,
                f"I could not reach some members of {named}; I will try again.",
            )
        logger.debug("round %s: %s", requests.round.id, report.summary())
        return report.sent

    def _refused(
        self, failures: Mapping[str, DeliveryError], tries: int
    ) -> dict[str, DeliveryError]:
        """Requests Slack refused; those it asked to put off go again once it says they may."""
        later = [key for key, error in failures.items() if error.retry_after is not None]

        def again(tries: int) -> None:
            self._refused(self.outbox.dispatch(later).failures, tries)
            self.changed()

        return refusals(failures, self.lane, tries, again)

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
