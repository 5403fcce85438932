"""The Slack side of delivery (`ports.DeliveryNotifier`): reminders, digests, meeting
announcements (a card and its calendar file), round requests and update cards, each made
into the parts
`SlackOutgoing` posts, with its delivery key in the metadata, so after a crash or a failure
of unknown outcome the bot can ask Slack whether a part went out."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk import WebClient

from bot.agenda.blocks import draft_message
from bot.attendance.blocks import attendance_message
from bot.core import ids
from bot.core.blocks import Message
from bot.meetings.blocks import cancellation_note, meeting_card
from bot.meetings.invitations import Mailer, MailOutgoing, invitation_message
from bot.reminders.blocks import reminder_message
from bot.reminders.digest_blocks import digest_messages
from bot.reminders.outgoing import FilePart, SlackOutgoing, calling
from bot.rounds.blocks import round_request
from bot.updates.blocks import update_card
from scheduling.agenda.facts import AgendaDraftNotice
from scheduling.attendance.buttons import AttendanceNotice
from scheduling.calendars.files import cancellation_file, invite_file
from scheduling.clock import Clock
from scheduling.consortium.directory import DirectoryService
from scheduling.delivery.notices import (
    Announced,
    AnnouncementFacts,
    CardNotice,
    Digest,
    InvitationNotice,
    InviteNotice,
    ReminderNotice,
    RoundRequestNotice,
)
from scheduling.naming import slugify
from scheduling.ports import DeliveryError, Posted


def ics_filename(title: str, cancelled: bool = False) -> str:
    """The calendar file's name; a cancellation's is its own, so that a client that keeps
    downloads by name does not take it for the invite."""
    suffix = "-cancelled" if cancelled else ""
    return f"{slugify(title, 'meeting')}{suffix}.ics"


def headline(facts: AnnouncementFacts) -> str:
    """The card's first line: what happened to the meeting."""
    if facts.what == Announced.NEW:
        return "New meeting"
    if facts.what == Announced.CANCELLED:
        return "Cancelled"
    if facts.what == Announced.MOVED and facts.moved_from is not None:
        return f"Moved from {_day(facts.moved_from)}"
    if facts.what == Announced.CHANGED and facts.field:
        return f"Changed: {facts.field}"
    if facts.what == Announced.RESTORED:
        return "Back on: the cancellation is undone"
    return "Invitation"


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


class SlackDeliveryNotifier:
    def __init__(
        self,
        client: WebClient,
        directory: DirectoryService,
        clock: Clock,
        organizer: str,
        mail: tuple[Mailer, str] | None = None,
    ) -> None:
        self.client = client
        self.directory = directory
        self.clock = clock
        self.organizer = f"mailto:{organizer}"
        self.mail = mail  # the mail server and MAIL_FROM, when the bot sends e-mail

    def reminder(self, notice: ReminderNotice) -> SlackOutgoing:
        message = reminder_message(notice, self.directory.country_names())
        return SlackOutgoing(self.client, notice.channel, notice.key, [message])

    def update_reminder(self, posted: Posted, notice: ReminderNotice) -> None:
        self._update(posted, reminder_message(notice, self.directory.country_names()), notice.key)

    def attendance(self, notice: AttendanceNotice) -> SlackOutgoing:
        message = attendance_message(notice, self.directory.country_names())
        return SlackOutgoing(self.client, notice.channel, notice.key, [message])

    def update_attendance(self, posted: Posted, notice: AttendanceNotice) -> None:
        self._update(posted, attendance_message(notice, self.directory.country_names()), notice.key)

    def _update(self, posted: Posted, message: Message, key: str) -> None:
        metadata = {"event_type": ids.DELIVERY_EVENT_TYPE, "event_payload": {"key": key}}
        calling(
            lambda: self.client.chat_update(
                channel=posted.channel,
                ts=posted.ts,
                text=message.text,
                blocks=message.blocks,
                metadata=metadata,
            )
        )

    def digest(self, channel: str, digest: Digest, key: str) -> SlackOutgoing:
        messages = digest_messages(digest)
        return SlackOutgoing(self.client, channel, key, messages)

    def invite(self, notice: InviteNotice) -> SlackOutgoing:
        series = notice.series
        now = self.clock.now()
        if notice.cancelled:
            ics = cancellation_file(
                series, notice.consortium, self.organizer, now, notice.occurrence_local
            )
            note = cancellation_note(notice.occurrence_local, series)
        else:
            ics = invite_file(series, notice.consortium, now, self.organizer)
            note = None
        card = meeting_card(series, notice.shown, headline(notice.facts), note)
        calendar = FilePart(
            ics, ics_filename(series.title, notice.cancelled), f"{series.title} (calendar file)"
        )
        return SlackOutgoing(self.client, notice.channel, notice.key, [card, calendar])

    def round_request(self, notice: RoundRequestNotice) -> SlackOutgoing:
        message = round_request(notice.round, notice.country, notice.reminder, notice.nudge)
        return SlackOutgoing(self.client, notice.member, notice.key, [message])

    def invitation(self, notice: InvitationNotice) -> MailOutgoing:
        if self.mail is None:
            raise DeliveryError("no mail server (SMTP_URL) is set up", permanent=True)
        mailer, mail_from = self.mail
        message = invitation_message(notice, mail_from, self.organizer, self.clock.now())
        return MailOutgoing(mailer, message, notice.email)

    def agenda_draft(self, notice: AgendaDraftNotice) -> SlackOutgoing:
        message = draft_message(notice.facts, self.directory.country_names())
        return SlackOutgoing(self.client, notice.coordinator, notice.key, [message])

    def thaw(self, channel: str, key: str, frozen: dict[str, Any]) -> SlackOutgoing:
        return SlackOutgoing.thawed(self.client, channel, key, frozen)

    def card(self, notice: CardNotice) -> SlackOutgoing:
        message = update_card(notice.update, self.directory.names())
        return SlackOutgoing(self.client, notice.channel, notice.key, [message])
