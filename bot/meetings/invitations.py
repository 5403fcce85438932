"""Calendar invitations by e-mail: the iTIP message (RFC 6047: `multipart/alternative`, a
plain-text part for people and a `text/calendar; method=…` part for their calendar) and the
SMTP server that sends it (`SMTP_URL`: STARTTLS, or TLS from the start).

A file in Slack is not an invitation: Google Calendar acts on METHOD:CANCEL only in mail, and
Outlook users live in mail. So members who ask (`/consortium invites email`) get each change
of their meetings as a REQUEST, and a cancellation as a CANCEL, from MAIL_FROM.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any, Protocol

from bot.meetings.blocks import duration_text, when_plain
from bot.settings import SmtpServer
from scheduling.calendars.files import Attendee, cancellation_file, request_file
from scheduling.delivery.notices import Announced, InvitationNotice
from scheduling.language.dates import short_date
from scheduling.ports import DeliveryError, Posted

SMTP_TIMEOUT = 30.0


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand the message to the mail server; DeliveryError when it is not taken."""
        ...


def invitation_message(
    notice: InvitationNotice, mail_from: str, organizer: str, now: datetime
) -> EmailMessage:
    """The e-mail for one member: a plain-text part and the iTIP calendar part."""
    change = notice.announcement
    series = change.series
    attendee = Attendee(notice.name, notice.email)
    when = None
    if change.cancelled:
        method = "CANCEL"
        ics = cancellation_file(
            series, change.consortium, organizer, now, change.occurrence_local, attendee
        )
        subject = f"Cancelled: {series.title}"
    else:
        method = "REQUEST"
        ics = request_file(series, change.consortium, now, organizer, attendee)
        fresh = change.facts.what == Announced.NEW
        subject = f"{'Invitation' if fresh else 'Updated invitation'}: {series.title}"
        when = when_plain(change.shown) if change.shown is not None else None
    message = EmailMessage()
    message["Subject"] = _one_line(subject)
    message["From"] = mail_from
    message["To"] = Address(display_name=_one_line(notice.name), addr_spec=notice.email)
    message["Date"] = format_datetime(now)
    domain = parseaddr(mail_from)[1].rpartition("@")[2]
    message["Message-ID"] = make_msgid(_short(change.key + notice.email), domain=domain)
    message.set_content(_body(notice, when))
    message.add_alternative(
        ics,
        maintype="text",
        subtype="calendar",
        params={"method": method, "charset": "utf-8"},
        cte="base64",
    )
    return message


def _body(notice: InvitationNotice, when: str | None) -> str:
    change = notice.announcement
    series = change.series
    lines = [f"{series.title} ({series.kind.label}, {series.rule_in_words})"]
    if change.cancelled:
        if change.occurrence_local is not None:
            day = change.occurrence_local
            lines.append(f"Only the meeting of {short_date(day)} is cancelled.")
        elif series.rrule is None:
            day = series.starts_local
            lines.append(f"The meeting of {short_date(day)} is cancelled.")
        else:
            lines.append("The whole series is cancelled.")
    elif when is not None:
        lines.append(f"Next: {when}, for {duration_text(series)}")
    if series.join_url:
        lines.append(f"Join: {series.join_url}")
    if series.location:
        lines.append(f"Where: {series.location}")
    lines += [
        "",
        f"This invitation comes from the {change.consortium} coordination bot in Slack; your"
        " calendar keeps it up to date as the meeting changes. Answer in Slack, not here.",
        "To stop these e-mails, type `/consortium invites off` in Slack.",
    ]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    """Header text on one line, whatever was typed (line breaks would end the header)."""
    return " ".join(text.split())


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class MailOutgoing:
    """One e-mail as the outbox sends it: it cannot be looked for once handed over."""

    parts = 1

    def __init__(self, mailer: Mailer, message: EmailMessage, recipient: str) -> None:
        self.mailer = mailer
        self.message = message
        self.recipient = recipient

    def send(self, part: int, thread: Posted | None) -> Posted:
        self.mailer.send(self.message)
        return Posted(self.recipient[:32], _short(str(self.message["Message-ID"])))

    def find(self, part: int, thread: Posted | None) -> Posted | None:
        return None

    def frozen(self) -> dict[str, Any]:
        return {}


class SmtpMailer:
    """Sends through the SMTP server of SMTP_URL, within SMTP_TIMEOUT a step."""

    def __init__(self, server: SmtpServer, timeout: float = SMTP_TIMEOUT) -> None:
        self.server = server
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        server = self.server
        try:
            connection = self._connect()
            try:
                if server.user is not None:
                    connection.login(server.user, server.password or "")
                connection.send_message(message)
            finally:
                try:
                    connection.quit()
                except (smtplib.SMTPException, OSError):
                    connection.close()
        except smtplib.SMTPRecipientsRefused as refused:
            code, reply = next(iter(refused.recipients.values()))
            raise _refusal(code, reply) from None
        except smtplib.SMTPAuthenticationError as error:
            # The bot's own credentials, not the recipient: tried again once they are fixed.
            raise _refusal(error.smtp_code, error.smtp_error, final=False) from None
        except smtplib.SMTPResponseException as error:
            raise _refusal(error.smtp_code, error.smtp_error) from None
        except (UnicodeError, ValueError) as error:
            # A message or login the server could never take: recorded, not tried again.
            raise DeliveryError(
                f"smtp {type(error).__name__}: {error}"[:200], permanent=True
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            # The connection ended: the message may or may not have been taken.
            raise DeliveryError(f"smtp {type(error).__name__}", ambiguous=True) from None

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        if server.security == "tls":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(server.host, server.port, timeout=self.timeout, context=context)
        connection = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        if server.security == "starttls":
            connection.starttls(context=ssl.create_default_context())
        return connection


def _refusal(code: int, reply: bytes | str, *, final: bool = True) -> DeliveryError:
    """A server's refusal, with its reply: a 5xx is final (when `final`), a 4xx passes."""
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    permanent = final and 500 <= code < 600
    return DeliveryError(f"smtp {code} {text}".strip()[:200], permanent=permanent)


class RecordingMailer:
    """The local workspace's mail server: it keeps what would be sent, and sends nothing."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)
