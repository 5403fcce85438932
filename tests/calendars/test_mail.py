"""Invitations by e-mail, end to end: a member opts in, and each change of a meeting of theirs
reaches a real SMTP server on loopback as an iTIP message that calendar software reads the
way the bot means it; 4xx answers are tried again, 5xx ones recorded and shown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from bot.core import ids
from bot.local.workspace import LocalWorkspace
from bot.meetings.invitations import SmtpMailer
from bot.settings import SmtpServer
from scheduling.clock import FixedClock
from scheduling.consortium.file import load_consortium_file
from scheduling.consortium.importer import import_consortium
from scheduling.meetings.occurrences import occurrences
from storage.db import Database
from tests.calendars.clients import by_recurring_ical_events, by_vobject, rfc_problems, shown
from tests.calendars.mailbox import Mailbox, smtp_server
from tests.support import EXAMPLE_FILE, press

COORDINATOR, PORTUGUESE, FINNISH, TURKISH = "U0COORD1", "U0PT", "U0FI", "U0TR"
PT_MAIL, FI_MAIL = "pt.partner@example.org", "fi.partner@example.org"
WEBINAR = '/meeting schedule webinar "Funding webinar" once on 2027-01-14 at 14:00 for 90m'


def with_addresses(folder: Path) -> Path:
    """The example consortium with e-mail addresses for the Portuguese and Finnish partners."""
    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    for who, address in (("Portuguese partner", PT_MAIL), ("Finnish partner", FI_MAIL)):
        text = text.replace(f"name: {who},", f"name: {who}, email: {address},")
    path = folder / "with-addresses.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))


@pytest.fixture
def mail(
    database: Database, clock: FixedClock, tmp_path: Path
) -> Iterator[tuple[LocalWorkspace, Mailbox]]:
    """The consortium on each backend, its invitations sent to a loopback SMTP server."""
    spec = load_consortium_file(with_addresses(tmp_path))
    report = import_consortium(database, spec, clock)
    with smtp_server() as (mailbox, port):
        mailer = SmtpMailer(SmtpServer("127.0.0.1", port, "none"), timeout=5)
        with LocalWorkspace.on(database, spec, clock, report, mailer=mailer) as workspace:
            yield workspace, mailbox


def calendar_of(mailbox: Mailbox, recipient: str, index: int) -> tuple[str, bytes]:
    received = mailbox.to(recipient)[index]
    assert received.message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in received.message.iter_parts()] == [
        "text/plain",
        "text/calendar",
    ]
    return received.calendar_part()


def test_each_change_reaches_the_member_who_opted_in_as_request_then_cancel(
    mail: tuple[LocalWorkspace, Mailbox], icaljs: Callable[[bytes, datetime, datetime], list[str]]
) -> None:
    workspace, mailbox = mail
    opted = workspace.command(PORTUGUESE, "/consortium invites email")
    assert f"comes to {PT_MAIL}" in opted.ack_text
    scheduled = workspace.command(COORDINATOR, WEBINAR)
    assert scheduled.status == 200
    (meeting,) = [s for s in workspace.services.meetings.all() if s.title == "Funding webinar"]

    method, ics = calendar_of(mailbox, PT_MAIL, 0)
    assert method == "REQUEST" and rfc_problems(ics) == []
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["ATTENDEE"]) == f"mailto:{PT_MAIL}"
    assert str(event["ORGANIZER"]) == "mailto:consortium-bot@consortium.example.org"
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (meeting.uid, 0)
    first, last = datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    ours = [shown(o.start) for o in occurrences(meeting, first, last)]
    assert by_recurring_ical_events(ics, first, last) == by_vobject(ics, first, last) == ours
    assert icaljs(ics, first, last) == ours
    plain = mailbox.to(PT_MAIL)[0].message.get_body(("plain",))
    assert plain is not None and "Thu 14 Jan 2027 14:00 CET" in plain.get_content()
    assert mailbox.to(FI_MAIL) == []  # the Finnish partner did not ask

    workspace.command(COORDINATOR, f"/meeting move {meeting.id} 2027-01-14 to 2027-01-21")
    method, ics = calendar_of(mailbox, PT_MAIL, 1)
    (moved,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert method == "REQUEST" and int(moved["SEQUENCE"]) > int(event["SEQUENCE"])
    assert str(moved["UID"]) == meeting.uid and moved["DTSTART"].dt.day == 21

    asked = workspace.command(COORDINATOR, f"/meeting cancel {meeting.id}")
    assert len(mailbox.to(PT_MAIL)) == 2  # nothing goes out before it is confirmed
    press(workspace, COORDINATOR, asked, ids.MEETING_CANCEL_CONFIRM)
    method, ics = calendar_of(mailbox, PT_MAIL, 2)
    (cancelled,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert method == "CANCEL" and rfc_problems(ics) == []
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) > int(moved["SEQUENCE"])
    assert mailbox.to(PT_MAIL)[2].message["Subject"] == "Cancelled: Funding webinar"
    workspace.jobs.sweep()  # nothing left to send
    assert len(mailbox.to(PT_MAIL)) == 3


def test_opting_in_without_an_address_or_out_again(mail: tuple[LocalWorkspace, Mailbox]) -> None:
    workspace, mailbox = mail
    refused = workspace.command(TURKISH, "/consortium invites email")
    assert "I have no e-mail address for you" in refused.ack_text
    asked = workspace.command(TURKISH, "/consortium invites")
    assert "are off" in asked.ack_text and "/consortium invites email" in asked.ack_text
    workspace.command(PORTUGUESE, "/consortium invites email")
    assert "stop" not in workspace.command(PORTUGUESE, "/consortium invites off").ack_text
    workspace.command(COORDINATOR, WEBINAR)
    workspace.jobs.sweep()
    assert mailbox.received == []


def test_a_451_is_tried_again_and_a_550_is_recorded_and_shown_in_status(
    mail: tuple[LocalWorkspace, Mailbox], clock: FixedClock
) -> None:
    workspace, mailbox = mail
    for member in (PORTUGUESE, FINNISH):
        workspace.command(member, "/consortium invites email")
    mailbox.refuse(PT_MAIL, "451 4.3.0 Mailbox busy, try again later")
    mailbox.refuse(FI_MAIL, "550 5.1.1 No such mailbox here")
    workspace.command(COORDINATOR, WEBINAR)
    assert mailbox.received == []
    status = str(workspace.command(COORDINATOR, "/consortium status").ack)
    assert "smtp 550 5.1.1 No such mailbox here" in status and "giving up" in status
    for minutes in (2, 60, 24 * 60):
        clock.advance(timedelta(minutes=minutes))
        workspace.jobs.sweep()
    assert len(mailbox.to(PT_MAIL)) == 1  # the 451 passed
    assert mailbox.to(FI_MAIL) == []  # the 550 is not tried again


def test_an_address_taken_out_of_the_consortium_file_stops_the_invitations(
    mail: tuple[LocalWorkspace, Mailbox], clock: FixedClock
) -> None:
    workspace, mailbox = mail
    workspace.command(PORTUGUESE, "/consortium invites email")
    report = import_consortium(workspace.database, load_consortium_file(EXAMPLE_FILE), clock)
    assert report.updated.get("members") == 2
    workspace.services.directory.invalidate()
    profile = workspace.services.directory.profile(PORTUGUESE)
    assert profile is not None and (profile.email, profile.invitations) == (None, "off")
    workspace.command(COORDINATOR, WEBINAR)
    workspace.jobs.sweep()
    assert mailbox.received == []
