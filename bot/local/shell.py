"""`consortium-bot shell`: type slash commands as a consortium member on the local workspace.

Lines starting with `/` go to the bot as slash commands; `:as WHO` switches member,
`:home` opens the Home tab, `:who` lists members, `:quit` leaves. Runs on a temporary
SQLite database, so nothing real is touched.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TextIO

from bot.local.transcript import describe_exchange, describe_mail
from bot.local.workspace import EXAMPLE_CONSORTIUM_FILE, LocalWorkspace

HELP = """Type a slash command (e.g. /consortium help) or:
  :as WHO   act as another member (Slack ID or part of the name)
  :who      list the members
  :home     open the bot's Home tab
  :quit     leave"""


def run_shell(
    consortium_file: Path | None, as_user: str | None, source: TextIO, out: TextIO
) -> int:
    interactive = source.isatty()
    with tempfile.TemporaryDirectory(prefix="consortium-shell-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'shell.db'}"
        with LocalWorkspace.open(
            database_url, consortium_file or EXAMPLE_CONSORTIUM_FILE
        ) as workspace:
            spec = workspace.spec
            channel_names = {cid: purpose for purpose, cid in spec.channels.items()}
            zones = {m.slack_id: m.timezone for m in spec.members}
            names = {m.slack_id: m.name for m in spec.members}
            try:
                user = workspace.member_id(as_user) if as_user else spec.members[0].slack_id
            except ValueError as error:
                print(f"consortium-bot shell: {error}", file=out)
                return 2
            print(
                f"Local workspace of {spec.name}. You are {names.get(user, user)} ({user}).",
                file=out,
            )
            print(HELP, file=out)
            while True:
                if interactive:
                    print(f"{names.get(user, user)}> ", end="", file=out, flush=True)
                line = source.readline()
                if not line:
                    return 0
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                if not interactive:
                    print(f"{names.get(user, user)}> {line}", file=out)
                if line in (":quit", ":q", "exit"):
                    return 0
                if line == ":who":
                    for member in spec.members:
                        print(
                            f"  {member.slack_id:10} {member.name} ({', '.join(member.countries)})",
                            file=out,
                        )
                    continue
                if line.startswith(":as"):
                    try:
                        user = workspace.member_id(line[3:].strip())
                    except ValueError as error:
                        print(f"  {error}", file=out)
                        continue
                    print(
                        f"  You are now {names.get(user, 'someone the consortium does not know')} ({user}).",
                        file=out,
                    )
                    continue
                mailed = len(workspace.recorded.sent)
                if line == ":home":
                    exchange = workspace.open_home(user)
                elif line.startswith("/"):
                    exchange = workspace.command(user, line)
                else:
                    print("  Commands start with '/'. " + HELP.splitlines()[0], file=out)
                    continue
                files = {f.id: f for f in workspace.emulator.files()}
                zone = zones.get(user, spec.timezone)
                print(describe_exchange(exchange, zone, channel_names, files), file=out)
                for message in workspace.recorded.sent[mailed:]:
                    print(describe_mail(message), file=out)
