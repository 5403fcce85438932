"""`consortium-bot forget U…`: the data-protection officer erases a member from the command
line. It prints what will be removed and asks `Erase? [y/N]` on a terminal; elsewhere (a
script, a pipe) it erases only with `--yes`. `bot/cli.py` only names it."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from bot.privacy.forget_blocks import FILE_NOTE, removed_lines
from bot.settings import Settings
from scheduling.clock import SystemClock
from scheduling.privacy.erasure import ErasureError, ErasureService


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    forget = commands.add_parser(
        "forget", help="erase a member's personal data (GDPR art. 17), after a confirmation"
    )
    forget.add_argument("member", help="the member's Slack ID, e.g. U0PT (or their name)")
    forget.add_argument(
        "--yes", action="store_true", help="erase without asking (needed when not on a terminal)"
    )


def run_forget(settings: Settings, args: argparse.Namespace) -> int:
    from bot.composition import compose_domain
    from bot.runtime import open_database

    domain = compose_domain(open_database(settings), SystemClock())
    return forget(domain.erasure, args.member, args.yes, sys.stdin, sys.stdout)


def forget(erasure: ErasureService, said: str, yes: bool, stdin: TextIO, out: TextIO) -> int:
    """Show what erasing the member removes, ask (or take `--yes`), erase; 0 when erased,
    1 when not (declined, or not asked on a terminal and no `--yes`)."""
    profile = erasure.find(said)
    plan = erasure.plan(None, profile.slack_id)
    countries = ", ".join(plan.country_codes) or "no country"
    print(f"Erasing {plan.name} ({plan.slack_id}, {countries}) removes:", file=out)
    for line in removed_lines(plan):
        print(f"  - {line}", file=out)
    print("This cannot be undone. " + FILE_NOTE, file=out)
    if not yes:
        if not stdin.isatty():
            raise ErasureError(
                "not on a terminal, so not asking: add --yes to erase; nothing was changed",
                "yes",
            )
        print("Erase? [y/N] ", end="", file=out, flush=True)
        if stdin.readline().strip().lower() not in ("y", "yes"):
            print("Nothing was erased.", file=out)
            return 1
    done = erasure.erase(None, plan.slack_id)
    print(
        f"Erased {plan.name} (erasure #{done.erasure_id}); their records now name “{plan.former}”.",
        file=out,
    )
    return 0
