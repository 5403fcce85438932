"""Exactly once across processes: `consortium-bot tick` killed with SIGKILL mid fan-out and
run again, and two ticks racing on one PostgreSQL database. Real processes, real HTTP to the
emulator, real databases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.local.emulator import EmulatedChannel, EmulatedUser, SlackEmulator
from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import parse_consortium_text
from scheduling.consortium.importer import import_consortium
from storage.db import Database
from storage.migrate import upgrade
from tests.support import ROOT

pytestmark = pytest.mark.slow

MEMBERS = 250
REMIND_AT = "2030-01-10T08:00:00+00:00"  # 1 h before 10:00 Europe/Vienna (CET)


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
    database = Database.connect(database_url)
    upgrade(database.engine)
    import_consortium(
        database,
        parse_consortium_text(consortium_text(members)),
        FixedClock(datetime(2029, 12, 1, tzinfo=UTC)),
    )
    directory = DirectoryService(database)
    for n in range(members):
        directory.set_reminder_delivery(f"U{n:04d}", "dm")
    database.dispose()


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    users = [EmulatedUser(f"U{n:04d}", f"Member {n}") for n in range(MEMBERS)]
    with SlackEmulator(
        users=users, channels=[EmulatedChannel("C0ANNOUNCE", "announcements")]
    ) as emulator:
        yield emulator


def tick(emulator: SlackEmulator, database_url: str, at: str, cwd: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": "xoxb-process-test",
            "SLACK_API_URL": emulator.api_url,
            "DATABASE_URL": database_url,
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "tick", "--at", at],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def delivered(emulator: SlackEmulator) -> Counter[str]:
    keys: Counter[str] = Counter()
    for message in emulator.messages():
        if message.metadata:
            keys[message.metadata["event_payload"]["key"]] += 1
    return keys


def expected_keys() -> set[str]:
    targets = ["C0ANNOUNCE"] + [f"U{n:04d}" for n in range(MEMBERS)]
    return {f"reminder:1:20300110T0900Z:60m:{target}" for target in targets}


def test_a_tick_killed_mid_fan_out_then_run_again_loses_and_duplicates_nothing(
    emulator: SlackEmulator, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'kill.db'}"
    prepare(database_url, MEMBERS)
    first = tick(emulator, database_url, REMIND_AT, tmp_path)
    emulator.wait_for_calls("chat.postMessage", 60, timeout=60)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    partial = delivered(emulator)
    assert 0 < len(partial) < len(expected_keys())  # it really died half-way
    # Eleven minutes later the dead process's claim has expired (its lease is ten minutes);
    # the next tick finishes the job.
    second = tick(emulator, database_url, "2030-01-10T08:11:00+00:00", tmp_path)
    _out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    keys = delivered(emulator)
    assert set(keys) == expected_keys()
    assert max(keys.values()) == 1, [k for k, n in keys.items() if n > 1]


def test_two_ticks_racing_on_postgresql_send_each_message_once(
    emulator: SlackEmulator, tmp_path: Path, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("this race is about PostgreSQL; SQLite serialises writers anyway")
    prepare(database_url, MEMBERS)
    racers = [tick(emulator, database_url, REMIND_AT, tmp_path) for _ in range(2)]
    outputs = [racer.communicate(timeout=120) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], outputs
    keys = delivered(emulator)
    assert set(keys) == expected_keys()
    assert max(keys.values()) == 1
    sent = [int(out.split(" sent")[0].split()[-1]) for out, _ in outputs]
    assert sum(sent) == len(expected_keys())  # the work was shared, not done twice
