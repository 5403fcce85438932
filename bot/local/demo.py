"""`consortium-bot demo`: a scripted walk through the example consortium on a temporary
SQLite database and the emulated workspace. It never reads DATABASE_URL or reaches Slack.

The demo runs as of Monday 8 January 2024 (a fixed clock), the time of the plan in the
example file, so its transcript is the same on every run.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.local.transcript import describe_exchange
from bot.local.workspace import EXAMPLE_CONSORTIUM_FILE, LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.consortium_import import import_consortium

DEMO_NOW = datetime(2024, 1, 8, 8, 0, tzinfo=UTC)
COORDINATOR = "U0COORD1"
PARTNER = "U0PT"
STRANGER = "U0STRANGER"
WORKSHOP = (
    '/meeting schedule workshop "Transition Labs workshop: Türkiye, Portugal & Finland" '
    "once on 2024-03-12 at 14:00 for 3h tz Europe/Bucharest in #announcements"
)

SCRIPT: tuple[tuple[str, str, str], ...] = (
    ("Everyone can ask the bot what it can do.", COORDINATOR, "/consortium help"),
    ("Each member sees what the consortium knows of them.", COORDINATOR, "/consortium whoami"),
    ("", PARTNER, "/consortium whoami"),
    ("Someone the consortium does not know is told whom to ask.", STRANGER, "/consortium whoami"),
    ("A typo gets a friendly answer.", PARTNER, "/consortium agenda"),
    ("The meetings of the consortium file are already scheduled.", PARTNER, "/meeting list"),
    ("A partner in Lisbon sees the next meetings in Lisbon time.", PARTNER, "/meeting next"),
    ("The coordinator schedules a workshop; the invite and its .ics go to #announcements.", COORDINATOR, WORKSHOP),
    ("One jour fixe is cancelled; calendars get a CANCEL for that occurrence only.", COORDINATOR, "/meeting cancel 1 on 2024-02-01"),
    ("Another is moved by a day.", COORDINATOR, "/meeting move 1 2024-03-07 to 2024-03-08 at 11:00"),
    ("Partners may look but not change.", PARTNER, "/meeting cancel 2"),
    ("Anyone can subscribe to the calendars that concern them.", PARTNER, "/consortium subscribe"),
    ("", PARTNER, "/meeting next jour-fixe"),
)  # fmt: skip


def run_demo(out: TextIO, consortium_file: Path = EXAMPLE_CONSORTIUM_FILE) -> int:
    clock = FixedClock(DEMO_NOW)
    with tempfile.TemporaryDirectory(prefix="consortium-demo-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'demo.db'}"
        with LocalWorkspace.open(database_url, consortium_file, clock) as workspace:
            spec = workspace.spec
            channel_names = {cid: purpose for purpose, cid in spec.channels.items()}
            zones = {m.slack_id: m.timezone for m in spec.members}
            names = {m.slack_id: m.name for m in spec.members}

            def say(text: str) -> None:
                print(text, file=out)

            say(f"== consortium-bot demo: {spec.name}, on a local emulated Slack workspace ==")
            say(f"(as of {DEMO_NOW:%A %d %B %Y %H:%M} UTC; nothing here reaches Slack)")
            say(f"Imported {consortium_file.name}: {workspace.import_report.summary()}.")
            say(
                f"{len(spec.countries)} countries "
                f"({sum(c.role == 'core' for c in spec.countries)} core), "
                f"{len(spec.members)} members, channels: "
                + ", ".join(f"#{p}" for p in spec.channels)
            )
            for note, user, line in SCRIPT:
                if note:
                    say(f"\n-- {note}")
                say(f"{names.get(user, 'someone new')} ({user}) types: {line}")
                exchange = workspace.command(user, line)
                files = {f.id: f for f in workspace.emulator.files()}
                zone = zones.get(user, spec.timezone)
                say(describe_exchange(exchange, zone, channel_names, files))
            member = spec.members[3]
            say(f"\n-- {member.name} opens the bot's Home tab")
            exchange = workspace.open_home(member.slack_id)
            say(describe_exchange(exchange, member.timezone, channel_names))
            say("\n-- Importing the same file again changes nothing:")
            report = import_consortium(workspace.database, spec, workspace.clock)
            say(f"  {report.summary()}")
            say(
                f"\nThe bot made {len(workspace.emulator.calls())} Web API calls; "
                "every one was answered by the local emulator."
            )
    return 0
