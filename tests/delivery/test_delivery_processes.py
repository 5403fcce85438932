"""Exactly once across processes: `consortium-bot tick` killed with SIGKILL at several steps
of a send and run again, and two ticks racing on one PostgreSQL database. One tick sends
every kind of message at once: 251 reminders, a queued meeting announcement (card and file),
250 queued round requests and a digest of two parts. Real processes, real HTTP to the
emulator, real databases."""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.local.emulator import EmulatedChannel, EmulatedUser, SlackEmulator
from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import parse_consortium_text
from scheduling.consortium.importer import import_consortium
from scheduling.meetings.service import MeetingService, ScheduleRequest
from scheduling.updates.rounds import RoundService
from scheduling.vocabulary import MeetingKind
from storage.db import Database
from storage.migrate import upgrade
from storage.models import CountryUpdate, Delivery
from tests.support import tick_process

pytestmark = pytest.mark.slow

MEMBERS = 250
UPDATES = 700  # a digest of two parts
REMIND_AT = "2030-01-10T08:00:00+00:00"  # 1 h before 10:00 Europe/Vienna (CET), digest time
# chat.postMessage calls before the digest's second part: the reminders, the announcement's
# card, the round's requests and the digest's first part.
BEFORE_DIGEST_PART_2 = (MEMBERS + 1) + 1 + MEMBERS + 1


def consortium_text(members: int) -> str:
    people = "\n".join(
        f"  - {{slack_id: U{n:04d}, name: Member {n}, country: AT, roles: [partner]}}"
        for n in range(members)
    )
    return f"""\
consortium:
  name: Load test
  timezone: Europe/Vienna
  channels: {{announcements: C0ANNOUNCE}}
  digest: {{channel: announcements, every: thursday 09:00}}
countries:
  - {{code: AT, name: Austria, role: core}}
members:
  - {{slack_id: U0COORD, name: Coordinator, country: AT, roles: [coordinator]}}
{people}
meetings:
  - kind: webinar
    title: Fan-out webinar
    repeat: once
    start: 2030-01-10 10:00
    duration: 1h
    channel: announcements
    audience: all
    reminders: [1h]
"""


def prepare(database_url: str, members: int) -> None:
    """The load consortium with reminders by DM for everyone, a meeting announcement and a
    round's requests queued, and a week of updates long enough for a digest of two parts."""
    database = Database.connect(database_url)
    upgrade(database.engine)
    clock = FixedClock(datetime(2029, 12, 1, tzinfo=UTC))
    import_consortium(database, parse_consortium_text(consortium_text(members)), clock)
    directory = DirectoryService(database)
    for n in range(members):
        directory.set_reminder_delivery(f"U{n:04d}", "dm")
    coordinator = directory.profile("U0COORD")
    assert coordinator is not None
    webinar = ScheduleRequest(
        kind=MeetingKind.WEBINAR,
        title="Queued webinar",
        rrule=None,
        first_date=date(2030, 2, 7),
        explicit_from=False,
        at=time(10, 0),
        duration_minutes=60,
        timezone="Europe/Vienna",
        channel="announcements",
    )
    MeetingService(database, clock).schedule(coordinator, webinar)
    RoundService(database, clock).open(coordinator, "Load round", date(2030, 2, 1), ["AT"])
    with database.write() as work:
        for n in range(UPDATES):
            at = datetime(2030, 1, 6, tzinfo=UTC) + timedelta(minutes=n)
            text = f"Update {n}: " + "a long first line about the pilot cities " * 6
            work.session.add(
                CountryUpdate(
                    country_code="AT", author_id="U0000", note=text, created_at=at, updated_at=at
                )
            )
    database.dispose()


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    users = [EmulatedUser(f"U{n:04d}", f"Member {n}") for n in range(MEMBERS)]
    with SlackEmulator(
        users=users, channels=[EmulatedChannel("C0ANNOUNCE", "announcements")]
    ) as emulator:
        yield emulator


def tick(emulator: SlackEmulator, database_url: str, at: str, cwd: Path) -> subprocess.Popen[str]:
    return tick_process(emulator.api_url, database_url, at, cwd)


def delivered(emulator: SlackEmulator) -> Counter[str]:
    """Each key posted, and `<card's key>+file` for each calendar file in a card's thread."""
    keys: Counter[str] = Counter()
    cards = {}
    for message in emulator.messages():
        if message.metadata:
            key = message.metadata["event_payload"]["key"]
            keys[key] += 1
            cards[message.ts] = key
    for shared in emulator.files():
        keys[f"{cards.get(shared.thread_ts or '', 'no card')}+file"] += 1
    return keys


def expected_keys(database_url: str) -> set[str]:
    targets = ["C0ANNOUNCE"] + [f"U{n:04d}" for n in range(MEMBERS)]
    reminders = {f"reminder:1:20300110T0900Z:60m:{target}" for target in targets}
    database = Database.connect(database_url)
    with database.read() as work:
        queued = {d.key for d in work.session.scalars(select(Delivery))}
    database.dispose()
    (announcement,) = [k for k in queued if k.startswith("invite:")]
    requests = {k for k in queued if k.startswith("round:")}
    assert len(requests) == MEMBERS
    digest = "digest:C0ANNOUNCE:2030-W02"
    return reminders | requests | {announcement, f"{announcement}+file", digest, f"{digest}#2"}


def unfinished(database_url: str) -> list[str]:
    """Deliveries the database does not know to be sent."""
    database = Database.connect(database_url)
    with database.read() as work:
        rows = list(work.session.scalars(select(Delivery).where(Delivery.status != "sent")))
        keys = [row.key for row in rows]
    database.dispose()
    return keys


def wait_for_fan_out(emulator: SlackEmulator) -> None:
    emulator.wait_for_calls("chat.postMessage", 60, timeout=60)


def hold_digest_part_2_once_stored(emulator: SlackEmulator) -> None:
    hold = emulator.hold_calls("chat.postMessage", processed=True, skip=BEFORE_DIGEST_PART_2)
    hold.wait_until_held(timeout=120)


def hold_the_calendar_file_before_it_is_shared(emulator: SlackEmulator) -> None:
    emulator.hold_calls("files.completeUploadExternal", processed=False).wait_until_held(timeout=60)


def hold_the_calendar_file_once_shared(emulator: SlackEmulator) -> None:
    emulator.hold_calls("files.completeUploadExternal", processed=True).wait_until_held(timeout=60)


@pytest.mark.parametrize(
    "kill_when",
    [
        wait_for_fan_out,
        hold_the_calendar_file_before_it_is_shared,
        hold_the_calendar_file_once_shared,
        hold_digest_part_2_once_stored,
    ],
)
def test_a_tick_killed_at_a_step_of_a_send_then_run_again_loses_and_duplicates_nothing(
    emulator: SlackEmulator, tmp_path: Path, kill_when: Callable[[SlackEmulator], None]
) -> None:
    database_url = f"sqlite:///{tmp_path / 'kill.db'}"
    prepare(database_url, MEMBERS)
    expected = expected_keys(database_url)
    first = tick(emulator, database_url, REMIND_AT, tmp_path)
    kill_when(emulator)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    emulator.release_holds()
    assert delivered(emulator)
    assert unfinished(database_url)  # it really died half-way
    # Eleven minutes later the dead process's claim has expired (its lease is ten minutes);
    # the next tick finishes the job.
    second = tick(emulator, database_url, "2030-01-10T08:11:00+00:00", tmp_path)
    _out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    keys = delivered(emulator)
    assert set(keys) == expected, sorted(set(keys) ^ expected)[:5]
    assert max(keys.values()) == 1, [k for k, n in keys.items() if n > 1]


def test_two_ticks_racing_on_postgresql_send_each_message_once(
    emulator: SlackEmulator, tmp_path: Path, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("this race is about PostgreSQL; SQLite serialises writers anyway")
    prepare(database_url, MEMBERS)
    expected = expected_keys(database_url)
    racers = [tick(emulator, database_url, REMIND_AT, tmp_path) for _ in range(2)]
    outputs = [racer.communicate(timeout=120) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], outputs
    keys = delivered(emulator)
    assert set(keys) == expected
    assert max(keys.values()) == 1
    # The work was shared, not done twice: each delivery was sent by one of them.
    sent = [int(out.split(" sent")[0].split()[-1]) for out, _ in outputs]
    digests = [int(out.split("digest: ")[1].split(" sent")[0]) for out, _ in outputs]
    assert sum(sent) + sum(digests) == (MEMBERS + 1) + 1 + MEMBERS + 1
