"""The consortium worlds `bench/commands.py` sends its commands to, built relative to the real
now (`consortium-bot serve` runs on the system clock), and the requests it sends.

A world is `sweep.scaled_text(copies)` (the example with N copies of its members and meetings,
an open round per copy) with the open rounds moved to today (opened 10 days ago, due in 30, so
no nudge falls due while the bench runs), imported by `consortium-bot import` into a temporary
SQLite file; then 20 notes a copy spread over the past six days (`UpdateService.note`), one
`consortium-bot tick` at the instant the next core-team meeting of copy 0 is reminded (it posts
that reminder, whose RSVP button the bench presses, and the notes' cards, into the emulator),
and the delivery history of `sweep.history`: a year of weekly digests up to the last one due
and 500 sent reminders a copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml
from sqlalchemy import insert, select, update

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import ack_latency  # noqa: E402
import sweep  # noqa: E402  (puts the project on sys.path)

from bot.local.emulator import EmulatedChannel, EmulatedUser, SlackEmulator  # noqa: E402
from scheduling.clock import FixedClock, SystemClock  # noqa: E402
from scheduling.consortium.directory import DirectoryService  # noqa: E402
from scheduling.consortium.file import parse_consortium_text  # noqa: E402
from scheduling.delivery.digest import iso_week  # noqa: E402
from scheduling.meetings.occurrences import occurrences  # noqa: E402
from scheduling.meetings.service import MeetingService  # noqa: E402
from scheduling.updates.service import UpdateService  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Delivery  # noqa: E402

TEAM = "T0LOCAL"
# The trigger_id of `ack_latency.command_body`: wrk replays one signed body, where Slack would
# give every request a trigger_id of its own, so the emulator lets this one open forms again.
REPLAYED_TRIGGER = "1.2.bench"
REMINDED = "Core team meeting (WP and task leaders)"  # copy 0's; its reminder is RSVPed
NOTE = "Progress report {}: the national workshop was held."
NOTES_PER_COPY, HISTORY_PER_COPY = 20, 500


class ReplayingEmulator(SlackEmulator):
    """The Slack emulator, but `REPLAYED_TRIGGER` may open a form any number of times."""

    def _exchange_trigger(self, params: Any) -> None:
        if params.get("trigger_id") != REPLAYED_TRIGGER:
            super()._exchange_trigger(params)


@dataclass
class World:
    copies: int
    env: dict[str, str]  # what `serve` and the bare apps run with
    emulator: ReplayingEmulator
    members: int
    series: int
    notes: int
    history: int
    reminder: tuple[str, str]  # channel and ts of the reminder the RSVP body presses
    rsvp_body: str

    def describe(self) -> str:
        return (
            f"{self.members} members, {self.series} series, {self.notes} notes of the past "
            f"week, {self.history} deliveries of history"
        )


def world_text(copies: int, now: datetime) -> str:
    """`sweep.scaled_text(copies)` with its open rounds opened 10 days ago and due in 30."""
    doc = yaml.safe_load(sweep.scaled_text(copies))
    today = now.date()
    for round_ in doc["rounds"]:
        if round_["title"].startswith("Open round #"):
            round_["opens"] = str(today - timedelta(days=10))
            round_["due"] = str(today + timedelta(days=30))
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def run_cli(env: dict[str, str], folder: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=folder,
                          capture_output=True, text=True, timeout=1800)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"consortium-bot {args[0]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextlib.contextmanager
def built(copies: int, folder: Path) -> Iterator[World]:
    """One world in `folder`, with its own emulated workspace, alive for the `with` block."""
    now = SystemClock().now()
    text = world_text(copies, now)
    spec = parse_consortium_text(text)
    source = folder / f"consortium-{copies}x.yaml"
    source.write_text(text, encoding="utf-8")
    users = [EmulatedUser(m.slack_id, m.name, m.timezone, m.team_id) for m in spec.members]
    channels = [EmulatedChannel(c, p) for p, c in spec.channels.items()]
    with ReplayingEmulator(users=users, channels=channels, team_id=TEAM) as emulator:
        url = f"sqlite:///{folder / f'commands-{copies}x.db'}"
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": ack_latency.TOKEN,
            "SLACK_SIGNING_SECRET": ack_latency.SECRET,
            "SLACK_API_URL": emulator.api_url,
            "DATABASE_URL": url,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(sweep.ROOT), os.environ.get("PYTHONPATH")])),
        }  # fmt: skip
        run_cli(env, folder, "import", str(source))
        database = Database.connect(url)
        try:
            notes = add_notes(database, copies, now)
            series = MeetingService(database, SystemClock()).all()
            run_cli(env, folder, "tick", "--at", reminder_instant(series, now).isoformat())
            history = add_history(database, copies, spec.digest_every, spec.timezone, now)
        finally:
            database.dispose()
        channel, ts, rsvp = rsvp_body(emulator, spec.channels["core-team"])
        yield World(copies, env, emulator, len(spec.members), len(series), notes, history,
                    (channel, ts), rsvp)  # fmt: skip


def add_notes(database: Database, copies: int, now: datetime) -> int:
    """20 notes a copy, from six days ago until a few minutes ago, by the members in turn;
    their cards as posted when each was written (Slack takes one post a second into a
    channel, so 2,000 cards queued at once would hold the set-up tick for half an hour)."""
    profiles = sorted(DirectoryService(database).load().profiles.values(), key=lambda p: p.slack_id)
    clock, count = FixedClock(now - timedelta(days=6)), copies * NOTES_PER_COPY
    service, step = UpdateService(database, clock), timedelta(days=6) / count
    for j in range(count):
        clock.set(now - timedelta(days=6) + j * step)
        service.note(profiles[j % len(profiles)], NOTE.format(j))
    with database.write() as work:
        work.session.execute(
            update(Delivery)
            .where(Delivery.kind == "card", Delivery.status == "queued")
            .values(status="sent", attempts=1, slack_ts="1.0", sent_at=Delivery.created_at)
        )
    return count


def reminder_instant(series: list[Any], now: datetime) -> datetime:
    """When copy 0's next core-team meeting starting an hour from now or later is reminded."""
    core = next(s for s in series if s.title == REMINDED)
    coming = occurrences(core, now + timedelta(hours=1), now + timedelta(days=15))[0]
    return coming.start - timedelta(minutes=min(core.reminder_minutes))


def add_history(database: Database, copies: int, every: Any, zone: str, now: datetime) -> int:
    """`sweep.history`'s rows, dated back from the last digest due, as sent outbox rows; a key
    the tick has already used (it skips a digest too late) is left out."""
    last = every.this_week(now, zone)
    last = last if last <= now else last - timedelta(days=7)
    rows = [(f"digest:C0ANNOUNCE:{iso_week(last - timedelta(weeks=w), zone)}", "digest",
             "C0ANNOUNCE", last - timedelta(weeks=w)) for w in range(52)]  # fmt: skip
    for j in range(copies * HISTORY_PER_COPY):
        key = f"reminder:0:history-{j}:60m:C0CORETEAM"
        rows.append((key, "reminder", "C0CORETEAM", last - timedelta(minutes=17 * j)))
    sent = {"status": "sent", "attempts": 1, "slack_ts": "1.0", "payload": {}}
    with database.write() as work:
        session = work.session
        taken = set(session.scalars(select(Delivery.key)))
        fresh = [
            {**sent, "key": key, "kind": kind, "channel": to, "slack_channel": to}
            | {"due_at": due, "sent_at": due, "created_at": due}
            for key, kind, to, due in rows
            if key not in taken
        ]
        session.execute(insert(Delivery), fresh)
    return len(fresh)


def rsvp_body(emulator: SlackEmulator, channel: str) -> tuple[str, str, str]:
    """A signed-to-be `block_actions` body pressing Going on the reminder the tick posted."""
    for message in emulator.messages(channel):
        for block in message.blocks:
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                if element.get("action_id") == "rsvp_going":
                    action = {"type": "button", "block_id": block["block_id"],
                              "action_id": element["action_id"], "value": element["value"],
                              "action_ts": f"{time.time():.6f}"}  # fmt: skip
                    where = {
                        "channel": {"id": channel},
                        "container": {
                            "type": "message",
                            "channel_id": channel,
                            "message_ts": message.ts,
                        },
                        "message": {"ts": message.ts, "text": message.text},
                        "response_url": emulator.new_response_url(
                            channel=channel, user=ack_latency.CALLER
                        ),
                    }
                    return channel, message.ts, interaction("block_actions", [action], where)
    raise RuntimeError(f"the tick posted no reminder with RSVP buttons in {channel}")


def interaction(kind: str, actions: list[dict[str, Any]] | None, fields: dict[str, Any]) -> str:
    """An interaction payload as Slack posts it, form-encoded, from the bench's caller."""
    payload: dict[str, Any] = {
        "type": kind,
        "team": {"id": TEAM},
        "user": {"id": ack_latency.CALLER, "team_id": TEAM},
        "api_app_id": "A0BENCH",
        "token": "legacy",
        "trigger_id": REPLAYED_TRIGGER,
        **fields,
    }
    if actions is not None:
        payload["actions"] = actions
    return urlencode({"payload": json.dumps(payload)})


def submission_body(view: dict[str, Any]) -> str:
    """The update form as the emulator received it, filled in: its first text input written,
    every select left at its initial option (or the first one), and submitted."""
    values: dict[str, Any] = {}
    written = False
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        block_id, element = block["block_id"], block["element"]
        kind, action_id = element["type"], element["action_id"]
        if kind == "static_select":
            chosen = element.get("initial_option") or element["options"][0]
            values[block_id] = {action_id: {"type": kind, "selected_option": chosen}}
        elif kind == "plain_text_input":
            text = None if written else "Bench: the national workshop was held."
            values[block_id] = {action_id: {"type": kind, "value": text}}
            written = True
        elif kind == "checkboxes":
            values[block_id] = {action_id: {"type": kind, "selected_options": []}}
    submitted = {**view, "state": {"values": values}, "app_installed_team_id": TEAM}
    return interaction("view_submission", None, {"view": {**submitted, "team_id": TEAM}})
