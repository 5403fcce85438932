"""The demo's jour fixe scene: the countries' topics, the draft agenda a coordinator edits
and publishes, "I'm here" at the start, the minutes and an action item, and that item carried
to the next draft until Portugal answers it done in its next update."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core import ids
from bot.local.shell_actions import buttons_of, choose_button
from bot.local.transcript import describe_exchange
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.agenda.reading import agenda_days
from scheduling.clock import FixedClock
from scheduling.meetings.mapping import to_series
from scheduling.meetings.occurrences import Occurrence, occurrences

JOUR_FIXE = 1
COORDINATOR = "U0COORD1"
PARTNER = "U0PT"
FINNISH = "U0FI"
TURKISH = "U0TR"
MINUTES = "https://share.example/capacities/jour-fixe-2024-03"


@dataclass(frozen=True)
class Scene:
    workspace: LocalWorkspace
    clock: FixedClock
    say: Callable[[str], None]
    names: dict[str, str]
    zones: dict[str, str]
    channel_names: dict[str, str]

    def show(self, exchange: Exchange, viewer: str) -> None:
        self.say(
            describe_exchange(
                exchange, self.zones[viewer], self.channel_names, people=self.names, viewer=viewer
            )
        )

    def type(self, note: str, user: str, line: str) -> Exchange:
        if note:
            self.say(f"\n-- {note}")
        self.say(f"{self.names[user]} ({user}) types: {line}")
        exchange = self.workspace.command(user, line)
        self.show(exchange, user)
        return exchange

    def press(self, user: str, exchange: Exchange, text: str, actor: str | None = None) -> Exchange:
        """`user` presses the button reading `text` of what `exchange` showed to `actor`."""
        buttons = buttons_of(exchange, actor or user, self.channel_names, self.names)
        button = choose_button(text, buttons)  # its text, or its number when several share it
        self.say(f"{self.names[user]} presses “{button.text}”")
        pressed = self.workspace.click(user, button.action_id, button.value, button.channel)
        self.show(pressed, user)
        return pressed

    def tick_at(self, when: datetime, note: str, shown: Callable[[str], bool]) -> Exchange:
        """Run the jobs at every instant something is due until `when`, then at `when`; show
        only what `when` sent to the channels `shown` accepts (the other jobs' reminders and
        digests go on as in the week above, counted in one line)."""
        self.say(f"\n-- {note}")
        self._run_until(when)
        self.clock.set(when)
        before = len(self.workspace.emulator.calls())
        summary = self.workspace.jobs.tick()
        self.workspace.executor.wait_idle()
        calls = self.workspace.emulator.calls()[before:]
        self.say(f"{when:%a %d %b %Y %H:%M} UTC, tick: {summary}")
        kept = [c for c in calls if shown(str(c.params.get("channel", "")))]
        exchange = Exchange(200, "", kept)
        self.show(exchange, COORDINATOR)
        return exchange

    def _run_until(self, when: datetime) -> None:
        start, ticks = self.clock.now(), 0
        before = len(self.workspace.emulator.calls())
        while (due := self._next_due(when)) < when:
            self.clock.set(due)
            self.workspace.jobs.tick()
            self.workspace.executor.wait_idle()
            ticks += 1
        posted = sum(
            c.method == "chat.postMessage" for c in self.workspace.emulator.calls()[before:]
        )
        if ticks:
            self.say(
                f"(from {start:%a} {start.day} {start:%b} to {when:%a} {when.day} {when:%b}, "
                f"{ticks} ticks posted "
                f"{posted} reminders, digests and the like, not shown)"
            )

    def _next_due(self, end: datetime) -> datetime:
        """The next instant a minutely scheduler would find a reminder or the digest due."""
        now = self.clock.now()
        due = self.workspace.jobs.next_reminder_at()
        candidates = [end, self.workspace.jobs.next_digest()]
        if due is not None and due > now:
            candidates.append(due)
        return max(min(candidates), now + timedelta(minutes=1))


def day(occurrence: Occurrence) -> str:
    """ "Fri 8 Mar", as the bot says it."""
    start = occurrence.start_local
    return f"{start:%a} {start.day} {start:%b}"


def next_occurrences(
    workspace: LocalWorkspace, after: datetime
) -> tuple[Occurrence, Occurrence, int]:
    """The next two jour fixes that take place (cancelled ones left out), and the days before
    each that its draft agenda is due."""
    with workspace.database.read() as work:
        meeting = work.meetings.get(JOUR_FIXE)
        assert meeting is not None
        series, lead = to_series(meeting), agenda_days(meeting)
    first, second = occurrences(series, after, after + timedelta(days=120))[:2]
    return first, second, lead


def jour_fixe_walkthrough(
    workspace: LocalWorkspace,
    clock: FixedClock,
    say: Callable[[str], None],
    names: dict[str, str],
    zones: dict[str, str],
    channel_names: dict[str, str],
) -> None:
    scene = Scene(workspace, clock, say, names, zones, channel_names)
    meeting, following, lead = next_occurrences(workspace, clock.now())
    channel = next(c for c, purpose in channel_names.items() if purpose == "jour-fixe")
    scene.type(
        f"Portugal proposes a topic for the next jour fixe ({day(meeting)}).",
        PARTNER,
        f'/meeting propose {JOUR_FIXE} "Twinning visits between Lisbon and Tampere"',
    )
    scene.type(
        "Finland proposes one too.",
        FINNISH,
        f'/meeting propose {JOUR_FIXE} "A shared template for national support structures"',
    )
    listed = scene.type(
        "Türkiye looks at the topics and supports Portugal's.",
        TURKISH,
        f"/meeting topics {JOUR_FIXE}",
    )
    scene.press(TURKISH, listed, "1")  # the first topic's Support
    scene.type(
        "The coordinator looks at the topics so far.", COORDINATOR, f"/meeting topics {JOUR_FIXE}"
    )

    draft = scene.tick_at(
        meeting.start - timedelta(days=lead),
        f"{lead} days before, the draft agenda comes to the coordinators by DM "
        "(with the needs and challenges of the updates posted since the last jour fixe).",
        lambda to: to == COORDINATOR,
    )
    say("\n-- The coordinator opens the draft in the form and publishes it to #jour-fixe.")
    form = scene.press(COORDINATOR, draft, "Edit and publish")
    view = next(c.response["view"] for c in form.calls if c.method == "views.open")
    say(f"{names[COORDINATOR]} submits the form as it stands")
    scene.show(workspace.submit_view(COORDINATOR, view, workspace.fill(view, {})), COORDINATOR)

    started = scene.tick_at(
        meeting.start,
        "The jour fixe starts: the bot asks who is there.",
        lambda to: to == channel,
    )
    scene.press(PARTNER, started, "I'm here")
    scene.press(FINNISH, started, "I'm here")

    clock.set(meeting.end + timedelta(minutes=30))
    say(
        f"\n-- After the meeting ({clock.now():%H:%M} UTC), the coordinator adds the minutes and an action."
    )
    scene.type("", COORDINATOR, f"/meeting minutes {JOUR_FIXE} {MINUTES}")
    due = following.start_local.date() - timedelta(days=1)
    scene.type(
        "",
        COORDINATOR,
        f'/action add PT "Send the twinning visit plan to Tampere" due {due:%d %b} '
        f"for meeting {JOUR_FIXE}",
    )

    scene.tick_at(
        following.start - timedelta(days=lead),
        f"The next jour fixe's draft ({day(following)}) carries the open action.",
        lambda to: to == COORDINATOR,
    )
    say("\n-- The Portuguese partner opens the update form; it asks about the action.")
    say(f"{names[PARTNER]} ({PARTNER}) types: /update")
    form = workspace.command(PARTNER, "/update")
    scene.show(form, PARTNER)
    view = next(c.response["view"] for c in form.calls if c.method == "views.open")
    texts = {ids.update_field_block("achievements"): "Twinning plan agreed with Tampere."}
    ticked = []
    for block in view["blocks"]:
        if block.get("type") == "input" and block["element"]["type"] == "checkboxes":
            ticked.append(block["block_id"])
            note = block["block_id"].replace("update_action_", "update_action_note_")
            texts[note] = "Sent to Tampere on 2 April."
    values = workspace.fill(view, texts, {ids.UPDATE_ROUND: ids.NO_ROUND}, ticked)
    say(f"{names[PARTNER]} ticks “Done”, adds a note, keeps it a free update and posts it")
    scene.show(workspace.submit_view(PARTNER, view, values), PARTNER)
    scene.type("The action is no longer open.", PARTNER, "/action list")
