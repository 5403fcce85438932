"""`consortium-bot demo`: a scripted walk through the example consortium on a temporary
SQLite database and the emulated workspace. It never reads DATABASE_URL or reaches Slack.

The demo runs as of Monday 8 January 2024 (a fixed clock), the time of the plan in the
example file, so its transcript is the same on every run.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.core import ids
from bot.local.scenes.jour_fixe import jour_fixe_walkthrough
from bot.local.shell_actions import buttons_of, choose_button
from bot.local.transcript import describe_exchange
from bot.local.workspace import EXAMPLE_CONSORTIUM_FILE, Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.consortium.importer import import_consortium

DEMO_NOW = datetime(2024, 1, 8, 8, 0, tzinfo=UTC)
# The consortium file was imported a minute before: what it set up is the schedule's baseline,
# and what the coordinator changes afterwards is news in the digest.
SET_UP_AT = DEMO_NOW - timedelta(minutes=1)
COORDINATOR = "U0COORD1"
PARTNER = "U0PT"
FINNISH = "U0FI"
STRANGER = "U0STRANGER"
# Typed as a person would: no quotes, a day-first date, 2pm, "3 hours", a city for the zone.
WORKSHOP = (
    "/meeting schedule workshop Transition Labs workshop: Türkiye, Portugal & Finland "
    "on 12/03/2024 at 2pm for 3 hours tz Bucharest in #announcements"
)

# (what the reader is told, who types, what they type, the buttons they then press in turn)
SCRIPT: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Everyone can ask the bot what it can do.", COORDINATOR, "/consortium help", ()),
    ("Each member sees what the consortium knows of them.", COORDINATOR, "/consortium whoami", ()),
    ("", PARTNER, "/consortium whoami", ()),
    ("Someone the consortium does not know is told whom to ask.", STRANGER, "/consortium whoami", ()),
    ("A typo gets a friendly answer.", PARTNER, "/consortium agenda", ()),
    ("The meetings of the consortium file are already scheduled.", PARTNER, "/meeting list", ()),
    ("A partner in Lisbon sees the next meetings that concern her, in Lisbon time.", PARTNER, "/meeting next", ()),
    ("The coordinator schedules a workshop as she would say it; 12/03 reads two ways, so the bot asks, and she presses the day she meant.", COORDINATOR, WORKSHOP, ("Tuesday 12 March 2024",)),
    ("One jour fixe is cancelled; calendars get a CANCEL for that occurrence only.", COORDINATOR, "/meeting cancel 1 on 1 Feb", ()),
    ("Another is moved by a day.", COORDINATOR, "/meeting move 1 7 March to 8 March at 11am", ()),
    ("Cancelling a whole series asks first; after Confirm, Undo puts it back (and sends the calendars a correction).", COORDINATOR, "/meeting cancel 3", ("Cancel the series", "Undo")),
    ("Partners may look but not change.", PARTNER, "/meeting cancel 2", ()),
    ("Anyone can subscribe to the calendars that concern them.", PARTNER, "/consortium subscribe", ()),
    ("", PARTNER, "/meeting next jour-fixe", ()),
)  # fmt: skip


def press(
    workspace: LocalWorkspace,
    user: str,
    exchange: Exchange,
    text: str,
    channel_names: dict[str, str],
    names: dict[str, str],
) -> Exchange:
    """Press the button reading `text` of what `exchange` showed, as the shell's `:click`
    does."""
    button = choose_button(text, buttons_of(exchange, user, channel_names, names))
    return workspace.click(user, button.action_id, button.value, button.channel)


def run_demo(out: TextIO, consortium_file: Path = EXAMPLE_CONSORTIUM_FILE) -> int:
    clock = FixedClock(SET_UP_AT)
    with tempfile.TemporaryDirectory(prefix="consortium-demo-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'demo.db'}"
        with LocalWorkspace.open(database_url, consortium_file, clock) as workspace:
            clock.set(DEMO_NOW)
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
            for note, user, line, presses in SCRIPT:
                if note:
                    say(f"\n-- {note}")
                who = names.get(user, "someone new")
                say(f"{who} ({user}) types: {line}")
                exchange = workspace.command(user, line)
                zone = zones.get(user, spec.timezone)
                for text in (None, *presses):
                    if text is not None:
                        say(f"{who} presses “{text}”")
                        exchange = press(workspace, user, exchange, text, channel_names, names)
                    files = {f.id: f for f in workspace.emulator.files()}
                    say(describe_exchange(exchange, zone, channel_names, files, people=names))
            say("\n== Country updates and a collection round ==")
            _updates_walkthrough(workspace, say, names, zones, channel_names)
            say("\n== A week goes by: reminders, an RSVP and the Monday digest ==")
            _week_walkthrough(workspace, clock, say, names, zones, channel_names)
            member = spec.members[3]
            say(f"\n-- {member.name} opens the bot's Home tab")
            exchange = workspace.open_home(member.slack_id)
            say(describe_exchange(exchange, member.timezone, channel_names, people=names))
            say("\n== A jour fixe from the countries' topics to carried-over action items ==")
            jour_fixe_walkthrough(workspace, clock, say, names, zones, channel_names)
            say("\n-- Importing the same file again changes nothing:")
            report = import_consortium(workspace.database, spec, workspace.clock)
            say(f"  {report.summary()}")
            say(
                f"\nThe bot made {len(workspace.emulator.calls())} Web API calls; "
                "every one was answered by the local emulator."
            )
    return 0


ROUND_OPEN = (
    '/round open "Annual Action Plan update 2024: second call" due 19 Jan '
    "for Portugal, Finland and Turkey"
)


def _updates_walkthrough(
    workspace: LocalWorkspace,
    say: Callable[[str], None],
    names: dict[str, str],
    zones: dict[str, str],
    channel_names: dict[str, str],
) -> None:
    """Two countries answer a round through the form; the status and the report follow."""

    def run(note: str, user: str, line: str) -> Exchange:
        if note:
            say(f"\n-- {note}")
        say(f"{names.get(user, user)} ({user}) types: {line}")
        exchange = workspace.command(user, line)
        say(describe_exchange(exchange, zones.get(user, "UTC"), channel_names, people=names))
        return exchange

    opened = run(
        "The coordinator opens a round; partners get a DM with a button.", COORDINATOR, ROUND_OPEN
    )
    button = next(
        element["value"]
        for call in opened.calls
        if call.method == "chat.postMessage" and call.params.get("channel") == PARTNER
        for block in call.params.get("blocks", [])
        if block.get("type") == "actions"
        for element in block["elements"]
    )
    turkish = "U0TR"
    noted = run(
        "The Turkish partner posts a quick note while the round is open; the bot offers to "
        "count it as Türkiye's answer, and she does.",
        turkish,
        "/update The ministry signed the national Cities Mission charter with 11 cities",
    )
    say(f"{names[turkish]} presses “Count this for …”")
    counted = press(workspace, turkish, noted, "Count this", channel_names, names)
    say(describe_exchange(counted, zones[turkish], channel_names, people=names))
    say("\n-- The Portuguese partner presses “Submit update” and fills in the form.")
    form = workspace.click(PARTNER, ids.ROUND_SUBMIT, button, channel_id=PARTNER)
    say(describe_exchange(form, zones[PARTNER], channel_names, people=names))
    view = next(c.response["view"] for c in form.calls if c.method == "views.open")
    texts = {
        ids.update_field_block("achievements"): "National mission platform launched with 9 cities; "
        "first Transition Lab in Lisbon & Porto.",
        ids.update_field_block(
            "challenges"
        ): "Ministries' budget cycle delays co-funding <until Q2>.",
        ids.update_field_block("needs"): "Peer learning on city investment plans.",
    }
    say(
        describe_exchange(
            workspace.submit_view(PARTNER, view, workspace.fill(view, texts)),
            zones[PARTNER],
            channel_names,
        )
    )
    say("\n-- The Finnish partner uses /update and picks the round in the form.")
    form = workspace.command(FINNISH, "/update")
    view = next(c.response["view"] for c in form.calls if c.method == "views.open")
    texts = {
        ids.update_field_block("objectives"): "Set up the national support structure, "
        "connect Viable Cities' lessons.",
        ids.update_field_block("events"): "Cities Mission day, Helsinki, 2024-03-14.",
    }
    say(
        describe_exchange(
            workspace.submit_view(FINNISH, view, workspace.fill(view, texts)),
            zones[FINNISH],
            channel_names,
        )
    )
    run("Everyone can see who has answered.", FINNISH, "/round status")
    run("With two rounds open, a round not named is asked for.", COORDINATOR, "/round remind")
    run("", COORDINATOR, "/round remind 2")
    run(
        "The coordinator exports the round as Markdown (a file in their DM).",
        COORDINATOR,
        "/round export 2 md",
    )
    report = next(f for f in workspace.emulator.files() if f.filename.endswith(".md"))
    say(f"\n-- {report.filename}, as it would be pasted into the deliverable:")
    say(report.content.decode())


def _week_walkthrough(
    workspace: LocalWorkspace,
    clock: FixedClock,
    say: Callable[[str], None],
    names: dict[str, str],
    zones: dict[str, str],
    channel_names: dict[str, str],
) -> None:
    """Run the scheduled jobs (`tick`) at every instant something is due during a week."""
    for line in ("/consortium remind me dm", "/consortium digest dm"):
        say(f"{names[PARTNER]} ({PARTNER}) types: {line}")
        exchange = workspace.command(PARTNER, line)
        say(describe_exchange(exchange, zones[PARTNER], channel_names, people=names))
    end = clock.now() + timedelta(days=7, hours=1)
    rsvp_done = False
    while clock.now() < end:
        before = len(workspace.emulator.calls())
        summary = workspace.jobs.tick()
        workspace.executor.wait_idle()
        calls = workspace.emulator.calls()[before:]
        if calls:
            say(f"\n-- {clock.now():%a %d %b %Y %H:%M} UTC, tick: {summary}")
            say(
                describe_exchange(
                    Exchange(200, "", calls), zones[PARTNER], channel_names, people=names
                )
            )
        reminder = next(
            (
                c
                for c in calls
                if c.method == "chat.postMessage"
                and c.params.get("channel") == PARTNER
                and any(b["type"] == "actions" for b in c.params.get("blocks", []))
            ),
            None,
        )
        if reminder is not None and not rsvp_done:
            value = next(
                e["value"]
                for b in reminder.params["blocks"]
                if b["type"] == "actions"
                for e in b["elements"]
            )
            say(
                f"\n-- {names[PARTNER]} presses “Going” in the DM; every copy of the reminder shows it."
            )
            clicked = workspace.click(PARTNER, ids.RSVP_ACTIONS["going"], value, channel_id=PARTNER)
            say(describe_exchange(clicked, zones[PARTNER], channel_names, people=names))
            rsvp_done = True
        clock.set(_next_due(workspace, clock.now(), end))
    say(f"\nStatus as a coordinator sees it ({COORDINATOR} types /consortium status):")
    say(
        describe_exchange(
            workspace.command(COORDINATOR, "/consortium status"), zones[COORDINATOR], channel_names
        )
    )


def _next_due(workspace: LocalWorkspace, now: datetime, end: datetime) -> datetime:
    """The next instant a minutely scheduler would find work (`Jobs.next_due`)."""
    due = workspace.jobs.next_due(now) or end
    return max(min(due, end), now + timedelta(minutes=1))
