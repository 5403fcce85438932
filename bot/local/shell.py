"""`consortium-bot shell`: live in the local workspace as a consortium member.

Lines starting with `/` go to the bot as slash commands, as the member you are; `:as WHO`
switches member. `:click` presses a button of the last reply, `:fill` / `:form` / `:submit`
work the form the bot opened, `:files` / `:save` get what it shared, and `:tick` moves the
clock on and runs the reminders and digests that fall due. `:help` lists it all.

With DATABASE_URL set the shell works on that database (migrated, and the consortium file
imported only when it holds no consortium yet), so a second run finds what the first made;
without it, on a temporary SQLite database removed on `:quit`. Slack is always the emulator.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.local.shell_actions import (
    Button,
    ShellClock,
    buttons_of,
    check_slash_command,
    choose_button,
    chosen_file,
    describe_files,
    did_you_mean,
    dm_member,
    format_now,
    jobs_summary,
    open_workspace,
    shown_views,
    tick_target,
)
from bot.local.shell_forms import Directory, OpenForm, ShellInputError
from bot.local.transcript import describe_exchange, describe_mail, indent
from bot.local.workspace import EXAMPLE_CONSORTIUM_FILE, Exchange, LocalWorkspace
from scheduling.clock import FixedClock

HELP = """Type a slash command as the member you are (e.g. /consortium help, /meeting next,
/update) and read what the bot answers. The shell's own commands:
  :as WHO          act as another member (Slack ID or part of the name)
  :who             list the members
  :home            open the bot's Home tab
  :click BUTTON    press a button of the last reply: its text, the start of it, or its number
  :form            show the open form and what is filled in
  :fill F=V ...    fill in fields of the open form by label or block ID, e.g.
                   :fill achievements="Platform launched" round=none
  :submit          send the open form; :close closes it unsent
  :files           list the files the bot shared; :save N PATH writes file N to PATH
  :tick [WHEN]     move the clock on (+1d, +2h, +30m or an ISO time) and run the reminders
                   and digests due by then; :now shows the clock
  :help            this list; :quit leaves"""

MAX_TICK_STEPS = 2000


def run_shell(
    consortium_file: Path | None,
    as_user: str | None,
    source: TextIO,
    out: TextIO,
    database_url: str | None = None,
    clock: FixedClock | None = None,
) -> int:
    file = consortium_file or EXAMPLE_CONSORTIUM_FILE
    with open_workspace(database_url, file, clock or ShellClock(), out) as workspace:
        try:
            user = workspace.member_id(as_user) if as_user else workspace.spec.members[0].slack_id
        except ValueError as error:
            print(f"consortium-bot shell: {error}", file=out)
            return 2
        return Shell(workspace, user, out).run(source)


class Shell:
    """One member at a time at the local workspace, with what the bot last showed them."""

    def __init__(self, workspace: LocalWorkspace, user: str, out: TextIO) -> None:
        self.workspace = workspace
        self.spec = workspace.spec
        self.user = user
        self.out = out
        self.channel_names = {cid: name for name, cid in self.spec.channels.items()}
        self.names = {m.slack_id: m.name for m in self.spec.members}
        self.zones = {m.slack_id: m.timezone for m in self.spec.members}
        self.named = {**self.names, **self.channel_names}  # Slack IDs to names, for mentions
        self.directory = Directory(self.spec.channels, workspace.member_id)
        self.buttons: list[Button] = []
        self.forms: dict[str, list[OpenForm]] = {}
        self.hinted: set[str] = set()
        self.mailed = len(workspace.recorded.sent)  # invitations by e-mail shown so far
        self.commands: dict[str, Callable[[str], None]] = {
            ":as": self.act_as, ":who": self.who, ":home": self.home, ":click": self.click,
            ":form": self.form, ":fill": self.fill, ":submit": self.submit, ":close": self.close,
            ":files": self.files, ":save": self.save, ":tick": self.tick, ":now": self.now,
            ":help": lambda _: self.say(HELP),
        }  # fmt: skip

    @property
    def zone(self) -> str:
        return self.zones.get(self.user, self.spec.timezone)

    def name(self, user: str | None = None) -> str:
        return self.names.get(user or self.user, "someone the consortium does not know")

    def say(self, text: str) -> None:
        print(text, file=self.out)

    def run(self, source: TextIO) -> int:
        interactive = source.isatty()
        if interactive and source is sys.stdin:
            import readline  # noqa: F401  (line editing and history for input())
        self.say(
            f"Local workspace of {self.spec.name}. You are {self.name()} ({self.user}). "
            f"It is {format_now(self.workspace.clock.now(), self.zone)}."
        )
        self.say(HELP)
        while True:
            prompt = f"{self.name()}> "
            try:
                if interactive and source is sys.stdin:
                    line = input(prompt) + "\n"
                else:
                    if interactive:
                        print(prompt, end="", file=self.out, flush=True)
                    line = source.readline()
            except EOFError:
                line = ""
            except KeyboardInterrupt:
                self.say("\n  (:quit leaves)")
                continue
            if not line:
                if interactive:
                    self.say("")
                return 0
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not interactive:
                self.say(f"{prompt}{line}")
            if line in (":quit", ":q", ":exit", "exit", "quit"):
                return 0
            try:
                self.handle(line)
            except ShellInputError as error:
                self.say("\n".join("  " + part for part in str(error).splitlines()))

    def handle(self, line: str) -> None:
        if line.startswith("/"):
            check_slash_command(line)
            self.show(self.workspace.command(self.user, line))
            return
        if not line.startswith(":"):
            raise ShellInputError(
                "Commands start with '/' (the bot's, e.g. /consortium help) or ':' (the "
                "shell's own; :help lists them)."
            )
        word, _, rest = line.partition(" ")
        command = self.commands.get(word.lower())
        if command is None:
            self.say(did_you_mean(word, [*self.commands, ":quit"]))
            return
        command(rest.strip())

    # -- what the bot showed ------------------------------------------------------------------

    def show(self, exchange: Exchange, actor: str | None = "", heading: str = "") -> None:
        """Print an exchange as the member reads it; remember its buttons and forms."""
        actor = self.user if actor == "" else actor
        files = {f.id: f for f in self.workspace.emulator.files()}
        if heading:
            self.say(heading)
        described = describe_exchange(
            exchange, self.zone, self.channel_names, files, self.named, self.user
        )
        self.say(described)
        for message in self.workspace.recorded.sent[self.mailed :]:
            self.say(describe_mail(message))
        self.mailed = len(self.workspace.recorded.sent)
        self.buttons = buttons_of(exchange, actor, self.channel_names, self.names)
        if actor is not None:
            self.track_forms(exchange, actor)
            self.hint()

    def hint(self) -> None:
        """Say once how to work a form, and how to press a button, when the first is shown."""
        mine = self.visible_buttons()
        if self.open_form() is not None and "form" not in self.hinted:
            self.hinted.add("form")
            self.say("  (:form shows the form, :fill FIELD=VALUE fills it, :submit sends it)")
        elif mine and "click" not in self.hinted:
            self.hinted.add("click")
            self.say(f"  (:click {mine[0].text} presses that button)")

    def visible_buttons(self) -> list[Button]:
        return [b for b in self.buttons if b.viewer in (None, self.user)]

    def track_forms(self, exchange: Exchange, actor: str) -> None:
        stack = self.forms.setdefault(actor, [])
        for how, view, _ in shown_views(exchange):
            if how == "views.open":
                stack[:] = [OpenForm(view)]
            elif how in ("views.push", "ack:push"):
                stack.append(OpenForm(view))
            elif how == "views.update":
                for index, form in enumerate(stack):
                    if form.view.get("id") == view.get("id"):
                        stack[index] = _carried_over(form, view)
            elif how == "ack:update" and stack:
                kept: dict[str, Any] = {
                    k: stack[-1].view[k] for k in ("id", "hash") if k in stack[-1].view
                }
                stack[-1] = _carried_over(stack[-1], {**view, **kept})
        # A modal with nothing to send (e.g. "Update posted") is read, then closed.
        while stack and stack[-1].submit_label is None:
            stack.pop()

    def open_form(self) -> OpenForm | None:
        stack = self.forms.get(self.user) or []
        return stack[-1] if stack else None

    def the_open_form(self) -> OpenForm:
        form = self.open_form()
        if form is None:
            raise ShellInputError(
                "No form is open. The bot opens one for /update, /meeting (with nothing "
                "after it) or a button such as “Submit update” (:click)."
            )
        return form

    # -- the shell's commands -----------------------------------------------------------------

    def act_as(self, who: str) -> None:
        if not who:
            raise ShellInputError("Say whom to act as. Example: :as portuguese (or :as U0PT)")
        try:
            self.user = self.workspace.member_id(who)
        except ValueError:
            named = [m for m in self.spec.members if who.casefold() in m.name.casefold()]
            if not named:
                raise ShellInputError(
                    f"No member is called {who!r}; :who lists them. Example: :as portuguese"
                ) from None
            which = " or ".join(f"{m.name} ({m.slack_id})" for m in named)
            raise ShellInputError(
                f"{who!r} could be {which}; say more of the name or give the Slack ID, "
                f"e.g. :as {named[0].slack_id}"
            ) from None
        self.say(f"  You are now {self.name()} ({self.user}).")
        self.hint()

    def who(self, _: str) -> None:
        for member in self.spec.members:
            self.say(f"  {member.slack_id:10} {member.name} ({', '.join(member.countries)})")

    def home(self, _: str) -> None:
        self.show(self.workspace.open_home(self.user))

    def click(self, wanted: str) -> None:
        button = choose_button(wanted, self.visible_buttons())
        self.say(f"  You press {button.label()}")
        channel = button.channel if button.channel in self.channel_names else None
        if button.channel and dm_member(button.channel) == self.user:
            channel = self.user
        if button.where == "App Home":  # a Home tab's press carries the view, no channel
            exchange = self.workspace.click_on_home(self.user, button.action_id, button.value)
        else:
            exchange = self.workspace.click(self.user, button.action_id, button.value, channel)
        self.show(exchange)

    def form(self, _: str) -> None:
        self.say(indent(self.the_open_form().describe(self.zone, self.named)))

    def fill(self, rest: str) -> None:
        form = self.the_open_form()
        try:
            words = shlex.split(rest)
        except ValueError as error:
            raise ShellInputError(f'{error} in {rest!r}. Example: :fill title="Kick-off"') from None
        if not words:
            raise ShellInputError(
                "Say what to fill in as field=value; :form shows the fields. "
                'Example: :fill title="Kick-off"'
            )
        filled = form.fill(words, self.directory)
        self.say("  Filled in " + ", ".join(f.short_label for f in filled) + ".")
        self.say(indent(form.describe(self.zone, self.named)))

    def submit(self, _: str) -> None:
        form = self.the_open_form()
        missing = form.missing()
        if missing:
            for item in missing:
                form.errors[item.block_id] = "This field is required."
            self.say(
                "  Slack would not send this yet: "
                + ", ".join(f.short_label for f in missing)
                + " must be filled in."
            )
            self.say(indent(form.describe(self.zone, self.named)))
            return
        stack = self.forms[self.user]
        exchange = self.workspace.submit_view(self.user, form.view, form.state_values())
        ack = exchange.ack if isinstance(exchange.ack, dict) else {}
        action = ack.get("response_action")
        if action == "errors":
            form.errors = {str(k): str(v) for k, v in (ack.get("errors") or {}).items()}
            if exchange.calls:
                self.show(Exchange(exchange.status, "", exchange.calls))
            self.say("  The bot did not take the form; it is still open to fix:")
            self.say(indent(form.describe(self.zone, self.named)))
            return
        if action == "clear":
            stack.clear()
        elif action not in ("update", "push") and form in stack:
            stack.remove(form)
        self.show(exchange)

    def close(self, _: str) -> None:
        form = self.the_open_form()
        self.forms[self.user].remove(form)
        self.say(f"  Closed “{form.title}” without sending it.")

    def files(self, _: str) -> None:
        shared = self.workspace.emulator.files()
        self.say(describe_files(shared, self.channel_names, self.names, self.user))

    def save(self, rest: str) -> None:
        number, _, path = rest.partition(" ")
        chosen = chosen_file(number.strip(), self.workspace.emulator.files())
        if not path.strip():
            raise ShellInputError(
                f"Say where to write it. Example: :save {number} {chosen.filename}"
            )
        target = Path(path.strip()).expanduser()
        try:
            target.write_bytes(chosen.content)
        except OSError as error:
            raise ShellInputError(f"Cannot write {target}: {error.strerror}.") from None
        self.say(f"  Wrote {chosen.filename} ({len(chosen.content):,} bytes) to {target}.")

    def now(self, _: str) -> None:
        self.say(f"  It is {format_now(self.workspace.clock.now(), self.zone)}.")

    def tick(self, rest: str) -> None:
        """Run the jobs now, then at each instant something falls due up to the target, as
        the minutely scheduler would have (a reminder run much later is skipped, not sent)."""
        clock = self.workspace.clock
        assert isinstance(clock, FixedClock)
        target = tick_target(rest, clock.now(), self.zone)
        jobs, sent_any, buttons = self.workspace.jobs, False, []
        moment = clock.now()
        for _ in range(MAX_TICK_STEPS):
            clock.set(moment)
            before = len(self.workspace.emulator.calls())
            summary = jobs.tick()
            self.workspace.executor.wait_idle()
            calls = self.workspace.emulator.calls()[before:]
            if calls:
                sent_any = True
                local = moment.astimezone(ZoneInfo(self.zone))
                heading = (
                    f"  ── {local:%a} {local.day} {local:%b %Y %H:%M}: {jobs_summary(summary)}"
                )
                self.show(Exchange(200, "", calls), actor=None, heading=heading)
                buttons += self.buttons
            if moment >= target:
                break
            moment = self.next_due(moment, target)
        else:
            self.say(f"  Stopped after {MAX_TICK_STEPS} runs of the jobs; :tick again to go on.")
        self.buttons = buttons
        if not sent_any:
            self.say("  Nothing was due.")
        self.say(f"  It is now {format_now(clock.now(), self.zone)}.")
        self.hint()

    def next_due(self, now: datetime, end: datetime) -> datetime:
        """The next instant a minutely scheduler would find work (`Jobs.next_due`)."""
        due = self.workspace.jobs.next_due(now) or end
        return min(end, max(due, now + timedelta(minutes=1)))


def _carried_over(form: OpenForm, view: dict[str, object]) -> OpenForm:
    """The form after the bot replaced its view: values typed into fields it kept stay."""
    updated = OpenForm(dict(view))
    kept = {f.block_id: f.kind for f in form.fields}
    for item in updated.fields:
        if kept.get(item.block_id) == item.kind:
            updated.values[item.block_id] = form.values[item.block_id]
    return updated
