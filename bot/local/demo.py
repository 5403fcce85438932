"""`consortium-bot demo`: a scripted walk through the example consortium on a temporary
SQLite database and the emulated workspace. It never reads DATABASE_URL or reaches Slack."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TextIO

from bot.local.transcript import describe_exchange
from bot.local.workspace import EXAMPLE_CONSORTIUM_FILE, LocalWorkspace
from scheduling.consortium_import import import_consortium

COORDINATOR = "U0COORD1"
PARTNER = "U0PT"
STRANGER = "U0STRANGER"


def run_demo(out: TextIO, consortium_file: Path = EXAMPLE_CONSORTIUM_FILE) -> int:
    with tempfile.TemporaryDirectory(prefix="consortium-demo-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'demo.db'}"
        with LocalWorkspace.open(database_url, consortium_file) as workspace:
            spec = workspace.spec
            channel_names = {cid: purpose for purpose, cid in spec.channels.items()}
            zones = {m.slack_id: m.timezone for m in spec.members}

            def say(text: str) -> None:
                print(text, file=out)

            say(f"== consortium-bot demo: {spec.name}, on a local emulated Slack workspace ==")
            say(f"Imported {consortium_file.name}: {workspace.import_report.summary()}.")
            say(
                f"{len(spec.countries)} countries "
                f"({sum(c.role == 'core' for c in spec.countries)} core), "
                f"{len(spec.members)} members, channels: "
                + ", ".join(f"#{p}" for p in spec.channels)
            )
            script = [
                (COORDINATOR, "/consortium help"),
                (COORDINATOR, "/consortium whoami"),
                (PARTNER, "/consortium whoami"),
                (STRANGER, "/consortium whoami"),
                (PARTNER, "/consortium agenda"),
            ]
            for user, line in script:
                name = next((m.name for m in spec.members if m.slack_id == user), "someone new")
                say(f"\n{name} ({user}) types: {line}")
                exchange = workspace.command(user, line)
                say(describe_exchange(exchange, zones.get(user, spec.timezone), channel_names))
            say(f"\n{spec.members[3].name} opens the bot's Home tab")
            exchange = workspace.open_home(spec.members[3].slack_id)
            say(describe_exchange(exchange, spec.members[3].timezone, channel_names))
            say("\nImporting the same file again changes nothing:")
            report = import_consortium(workspace.database, spec, workspace.clock)
            say(f"  {report.summary()}")
            say(
                f"\nThe bot made {len(workspace.emulator.calls())} Web API calls; "
                "every one was answered by the local emulator."
            )
    return 0
