"""The CLI's side of attendance: `consortium-bot attendance import` (a participants report)
and `consortium-bot export --meeting … | --from … --to …` (an occurrence's record, a period's
register); `bot/cli.py` only names them."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from bot.settings import Settings
from scheduling.attendance.documents import render_record, render_register
from scheduling.attendance.reports import ReportError, read_participants
from scheduling.clock import SystemClock
from scheduling.errors import FieldError
from scheduling.naming import slugify


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    attendance = commands.add_parser("attendance", help="who attended meetings")
    actions = attendance.add_subparsers(dest="attendance_command", required=True, metavar="ACTION")
    importer = actions.add_parser(
        "import", help="record who a participants report (Zoom's, Teams' CSV) names"
    )
    importer.add_argument("meeting", type=int, help="the meeting's number (`/meeting list`)")
    importer.add_argument("on", type=_day, help="the occurrence's date, e.g. 2024-01-04")
    importer.add_argument("file", type=Path, help="the participants report, CSV")


def add_export_options(exporter: argparse.ArgumentParser) -> None:
    exporter.add_argument("--meeting", type=int, help="a meeting's number: its occurrence's record")
    exporter.add_argument("--on", type=_day, help="with --meeting: the occurrence's date")
    exporter.add_argument("--from", dest="first", type=_day, help="a reporting period's start")
    exporter.add_argument("--to", dest="last", type=_day, help="a reporting period's end")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-01-04") from None


def run_attendance(settings: Settings, args: argparse.Namespace) -> int:
    from bot.composition import compose_domain
    from bot.runtime import open_database

    try:
        content = args.file.read_bytes()
    except OSError as error:
        raise ReportError(f"cannot read {args.file}: {error.strerror}", "file") from None
    participants = read_participants(content)
    domain = compose_domain(open_database(settings), SystemClock())
    imported = domain.attendance.import_report(args.meeting, args.on, participants)
    print(f"{imported.summary()}.")
    return 0


def run_export(settings: Settings, args: argparse.Namespace) -> int:
    """An occurrence's record (`--meeting`) or a period's register (`--from`, `--to`)."""
    from bot.composition import compose_domain
    from bot.runtime import open_database

    if args.meeting is None and (args.first is None or args.last is None):
        raise FieldError("say --round, --meeting, or --from DATE --to DATE", "export")
    domain = compose_domain(open_database(settings), SystemClock())
    records = domain.records
    if args.meeting is not None:
        record = records.occurrence(args.meeting, args.on)
        content = render_record(record, args.format_name)
        name = f"{slugify(record.series.title, 'meeting')}-{record.occurrence.local_date}"
        what = f"the record of “{record.series.title}” on {record.occurrence.local_date}"
    else:
        register = records.register(args.first, args.last)
        content = render_register(register, args.format_name)
        name = f"meetings-{args.first}-{args.last}"
        what = f"the register of meetings from {args.first} to {args.last}"
    output: Path | None = args.output
    if output is None and args.format_name == "docx":
        output = Path(f"{name}.docx")
    if output is None:
        sys.stdout.write(content.decode())
        return 0
    output.write_bytes(content)
    print(f"Wrote {what} ({args.format_name}) to {output}.", file=sys.stderr)
    return 0
