"""Invitations by e-mail exactly once across processes: `consortium-bot tick` killed with
SIGKILL in the middle of sending thirty of them and run again, and two ticks racing on
PostgreSQL; a real SMTP server on loopback, real processes."""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.local.emulator import EmulatedChannel, SlackEmulator
from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import parse_consortium_text
from scheduling.consortium.importer import import_consortium
from scheduling.meetings.service import MeetingService, ScheduleRequest
from scheduling.vocabulary import MeetingKind
from storage.db import Database
from storage.migrate import upgrade
from tests.calendars.mailbox import Mailbox, smtp_server
from tests.support import tick_process

pytestmark = pytest.mark.slow

MEMBERS = 30
TICK_AT = "2029-12-01T09:00:00+00:00"
LATER = "2029-12-01T09:11:00+00:00"  # past the dead sender's ten-minute lease


def consortium_text() -> str:
    people = "\n".join(
        f"  - {{slack_id: U{n:04d}, name: Member {n}, country: AT, roles: [partner],"
        f" email: member{n}@example.org}}"
        for n in range(MEMBERS)
    )
    return f"""\
consortium:
  name: Mail test
  timezone: Europe/Vienna
  channels: {{announcements: C0ANNOUNCE}}
countries:
  - {{code: AT, name: Austria, role: core}}
members:
  - {{slack_id: U0COORD, name: Coordinator, country: AT, roles: [coordinator]}}
{people}
"""


def prepare(database_url: str) -> set[str]:
    """Everyone opted in, and a webinar scheduled: thirty invitations queued, none sent."""
    database = Database.connect(database_url)
    upgrade(database.engine)
    clock = FixedClock(datetime(2029, 12, 1, 8, 0, tzinfo=UTC))
    import_consortium(database, parse_consortium_text(consortium_text()), clock)
    directory = DirectoryService(database)
    for n in range(MEMBERS):
        directory.set_invitations(f"U{n:04d}", "email")
    coordinator = directory.profile("U0COORD")
    assert coordinator is not None
    webinar = ScheduleRequest(
        kind=MeetingKind.WEBINAR, title="Mailed webinar", rrule=None,
        first_date=date(2030, 2, 7), explicit_from=False, at=time(10, 0),
        duration_minutes=60, timezone="Europe/Vienna", channel="announcements",
    )  # fmt: skip
    change = MeetingService(database, clock, invitations_by_mail=True).schedule(
        coordinator, webinar
    )
    database.dispose()
    assert len(change.invitations) == MEMBERS
    return {f"member{n}@example.org" for n in range(MEMBERS)}


def tick(
    emulator: SlackEmulator, port: int, database_url: str, at: str, cwd: Path
) -> subprocess.Popen[str]:
    mail = {
        "SMTP_URL": f"smtp://127.0.0.1:{port}",
        "MAIL_FROM": "Mail <bot@consortium.example.org>",
    }
    return tick_process(emulator.api_url, database_url, at, cwd, mail)


def mailed(mailbox: Mailbox) -> Counter[str]:
    return Counter(r for received in mailbox.received for r in received.recipients)


@pytest.fixture
def emulator() -> SlackEmulator:
    with SlackEmulator(channels=[EmulatedChannel("C0ANNOUNCE", "announcements")]) as emulator:
        yield emulator  # type: ignore[misc]


def test_a_tick_killed_while_mailing_then_run_again_mails_each_member_once(
    emulator: SlackEmulator, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'mail.db'}"
    expected = prepare(database_url)
    with smtp_server() as (mailbox, port):
        mailbox.hold_from = 12  # the twelfth recipient's session waits there
        first = tick(emulator, port, database_url, TICK_AT, tmp_path)
        assert mailbox.held.wait(60)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        mailbox.hold_from = None
        mailbox.hold.set()
        assert 0 < len(mailed(mailbox)) < MEMBERS  # it really died half-way
        second = tick(emulator, port, database_url, LATER, tmp_path)
        _out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        assert set(mailed(mailbox)) == expected
        assert max(mailed(mailbox).values()) == 1


def test_two_ticks_racing_on_postgresql_mail_each_member_once(
    emulator: SlackEmulator, tmp_path: Path, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("this race is about PostgreSQL; SQLite serialises writers anyway")
    expected = prepare(database_url)
    with smtp_server() as (mailbox, port):
        racers = [tick(emulator, port, database_url, TICK_AT, tmp_path) for _ in range(2)]
        outputs = [racer.communicate(timeout=120) for racer in racers]
        assert [racer.returncode for racer in racers] == [0, 0], outputs
        assert set(mailed(mailbox)) == expected
        assert max(mailed(mailbox).values()) == 1
