"""`consortium-bot my-data U… [-o FILE]`: the data-protection officer's side of a member's
right of access (GDPR art. 15, 20), for a request made by e-mail or on paper: the same JSON
file the member gets with `/consortium my-data`, to stdout or a new file. `bot/cli.py` only
names it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import Settings
from scheduling.clock import SystemClock
from scheduling.errors import FieldError


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    my_data = commands.add_parser(
        "my-data",
        help="everything the bot holds about a member, as JSON (a data-protection request)",
    )
    my_data.add_argument("member", help="the member's Slack ID, e.g. U0PT")
    my_data.add_argument(
        "-o", "--output", type=Path, help="a new file to write (default: standard output)"
    )


def run_my_data(settings: Settings, args: argparse.Namespace) -> int:
    from bot.composition import compose_domain
    from bot.runtime import open_database

    member = str(args.member).strip().lstrip("@").upper()
    if not member.isalnum():
        raise FieldError(f"{args.member!r} is not a Slack ID like U0PT", "member")
    domain = compose_domain(open_database(settings), SystemClock())
    data = domain.personal_data.of_member(member)
    content = data.to_json()
    output: Path | None = args.output
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return 0
    # A file already there is left alone: it may be another member's copy.
    try:
        with output.open("xb") as file:
            file.write(content)
    except FileExistsError:
        raise FieldError(
            f"{output} exists already; name a new file, nothing was written", "output"
        ) from None
    except OSError as error:
        raise FieldError(f"cannot write {output}: {error.strerror}", "output") from None
    records = sum(data.counts().values())
    print(
        f"Wrote the data of {data.member_name} ({data.member_id}) to {output}: their profile, "
        f"settings and {records} records, as of {data.generated_at:%Y-%m-%d %H:%M} UTC.",
        file=sys.stderr,
    )
    return 0
