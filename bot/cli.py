"""`consortium-bot`: serve, socket, import, export, db, backup, restore, shell, demo, preview,
tick.

Every expected failure (a missing setting, a bad consortium file, an unreachable database or
Slack) ends with one clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from urllib.error import URLError

from slack_sdk.errors import SlackApiError, SlackRequestError
from sqlalchemy.exc import OperationalError

from bot.attendance.cli import add_commands as add_attendance_commands
from bot.attendance.cli import add_export_options, run_attendance, run_export
from bot.privacy.forget_cli import add_commands as add_privacy_commands
from bot.privacy.forget_cli import run_forget
from bot.privacy.my_data_cli import add_command as add_my_data_command
from bot.privacy.my_data_cli import run_my_data
from bot.runtime import StartupError, open_database, start_jobs
from bot.settings import Settings, SettingsError, database_url_if_set, load_settings
from scheduling.clock import SystemClock
from scheduling.consortium.file import ConsortiumFileError, load_consortium_file
from scheduling.consortium.importer import import_consortium
from scheduling.errors import FieldError
from scheduling.naming import slugify
from scheduling.updates.documents import FORMATS, render
from scheduling.updates.exports import ExportError, import_json
from storage.backup import BackupError, backup, restore
from storage.db import DatabaseBusyError
from storage.migrate import current_revision, head_revision, upgrade

EXIT_USAGE = 2
EXIT_FAILURE = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="consortium-bot", description="Slack coordination bot for a research consortium."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run in HTTP mode (Slack at POST /slack/events)")
    serve.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port to bind (default: PORT, else 3000)")
    serve.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs")

    socket = commands.add_parser("socket", help="run in Socket Mode (needs SLACK_APP_TOKEN)")
    socket.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs")

    importer = commands.add_parser("import", help="load a consortium file (YAML) into the database")
    importer.add_argument(
        "file", type=Path, help="the consortium file, e.g. examples/capacities.yaml"
    )

    exporter = commands.add_parser(
        "export", help="write a round's report, a meeting's record or a period's register"
    )
    exporter.add_argument("--round", dest="round_ref", help="round number or title")
    add_export_options(exporter)
    exporter.add_argument("--format", choices=FORMATS, default="md", dest="format_name")
    exporter.add_argument(
        "-o", "--output", "--out", type=Path, help="file to write (default: standard output)"
    )
    add_attendance_commands(commands)
    add_my_data_command(commands)
    add_privacy_commands(commands)

    database = commands.add_parser("db", help="database maintenance")
    database_commands = database.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    database_commands.add_parser("upgrade", help="apply pending migrations")
    database_commands.add_parser("current", help="show the schema revision")

    backup = commands.add_parser(
        "backup", help="write the whole database to a new SQLite file (safe while running)"
    )
    backup.add_argument("file", type=Path, help="the backup file to write, e.g. backup.sqlite3")
    restore = commands.add_parser(
        "restore", help="copy a backup file into an empty database (DATABASE_URL)"
    )
    restore.add_argument("file", type=Path, help="a file written by `consortium-bot backup`")

    shell = commands.add_parser(
        "shell",
        help="type slash commands, press buttons, fill in forms and move the clock on a local, "
        "emulated workspace (on DATABASE_URL when set, else a temporary database)",
    )
    shell.add_argument("--as", dest="as_user", help="the member to act as (Slack ID or name)")
    shell.add_argument("--file", type=Path, help="consortium file (default: the embedded example)")

    commands.add_parser("demo", help="a scripted walk through the example consortium, offline")

    preview = commands.add_parser(
        "preview",
        help="render the Home tab, the digest and the help of the demo workspace as Slack shows "
        "them: HTML pages in DIR, and PNG pictures when Chromium is installed",
    )
    preview.add_argument("dir", type=Path, help="folder to write into, e.g. docs")
    preview.add_argument("--no-png", action="store_true", help="write the HTML pages only")

    tick = commands.add_parser(
        "tick", help="run the scheduled jobs once (reminders, digest) and exit: for cron"
    )
    tick.add_argument("--at", help="act as of this ISO-8601 instant (default: now)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return _run(args)
    except SettingsError as error:
        print(f"consortium-bot: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ConsortiumFileError as error:
        print(
            "consortium-bot: the consortium file was rejected; nothing was changed:",
            file=sys.stderr,
        )
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_FAILURE
    except (FieldError, BackupError) as error:
        print(f"consortium-bot: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except StartupError as error:
        print(f"consortium-bot: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except SlackApiError as error:
        print(
            f"consortium-bot: Slack refused the bot token: {error.response.get('error')}",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    except (SlackRequestError, URLError) as error:
        print(f"consortium-bot: cannot reach Slack (SLACK_API_URL): {error}", file=sys.stderr)
        return EXIT_FAILURE
    except DatabaseBusyError as error:
        print(
            f"consortium-bot: the database is busy ({_first_line(error)}); nothing was "
            "changed, try again",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    except OperationalError as error:
        print(
            f"consortium-bot: cannot use the database: {_first_line(error.orig or error)}",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _run(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from bot.local.demo import run_demo

        # The demo's transcript says what happens; log lines would only break it up.
        logging.getLogger().setLevel(logging.WARNING)
        return run_demo(sys.stdout)
    if args.command == "preview":
        from bot.local.preview.examples import run_preview

        return run_preview(args.dir, sys.stdout, pictures=not args.no_png)
    if args.command == "shell":
        from bot.local.shell import run_shell

        # The shell prints what happened; log lines would only repeat it between its replies.
        logging.getLogger().setLevel(logging.ERROR)
        database_url = database_url_if_set()
        return run_shell(args.file, args.as_user, sys.stdin, sys.stdout, database_url)
    settings = load_settings()
    if args.command == "import":
        return _import(settings, args.file)
    if args.command == "export" and args.round_ref is None:
        return run_export(settings, args)
    if args.command == "attendance":
        return run_attendance(settings, args)
    if args.command == "my-data":
        return run_my_data(settings, args)
    if args.command == "forget":
        return run_forget(settings, args)
    if args.command == "export":
        return _export(settings, args.round_ref, args.format_name, args.output)
    if args.command == "db":
        return _db(settings, args.db_command)
    if args.command == "backup":
        database = open_database(settings)
        copied = backup(database, args.file)
        size = args.file.stat().st_size
        print(f"Backed up {database.url} ({copied.summary()}) to {args.file} ({size:,} bytes).")
        return 0
    if args.command == "restore":
        database = open_database(settings, migrate=False)
        copied = restore(database, args.file)
        print(
            f"Restored {args.file} ({copied.summary()}) into {database.url}; "
            f"its schema is now {current_revision(database.engine)}."
        )
        return 0
    if args.command == "serve":
        return _serve(settings, args.host, args.port or settings.port, not args.no_scheduler)
    if args.command == "socket":
        return _socket(settings, not args.no_scheduler)
    if args.command == "tick":
        return _tick(settings, args.at)
    raise AssertionError(args.command)


def _import(settings: Settings, file: Path) -> int:
    if file.suffix.lower() == ".json":
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as error:
            raise ExportError(f"cannot read {file}: {error.strerror}") from None
        database = open_database(settings)
        loaded = import_json(database, SystemClock(), text)
        print(f"Imported {file} into {database.url}: {loaded}.")
        return 0
    spec = load_consortium_file(file)
    database = open_database(settings)
    report = import_consortium(database, spec, SystemClock())
    print(f"Imported {file} into {database.url}: {report.summary()}.")
    return 0


def _export(settings: Settings, reference: str, format_name: str, output: Path | None) -> int:
    from bot.composition import compose_domain

    domain = compose_domain(open_database(settings), SystemClock())
    report = domain.rounds.report(None, reference)
    content = render(report, format_name)
    if output is None and format_name == "docx":
        output = Path(f"{slugify(report.title, 'round')}.docx")
    if output is None:
        sys.stdout.write(content.decode())
        return 0
    output.write_bytes(content)
    print(f"Wrote the {format_name} export of “{report.title}” to {output}.", file=sys.stderr)
    return 0


def _db(settings: Settings, action: str) -> int:
    database = open_database(settings, migrate=False)
    if action == "upgrade":
        before = current_revision(database.engine)
        upgrade(database.engine)
        after = current_revision(database.engine)
        print(f"Database {database.url}: schema {before or 'empty'} -> {after}.")
    else:
        print(
            f"Database {database.url}: schema {current_revision(database.engine) or 'empty'} "
            f"(latest {head_revision(database.engine)})."
        )
    return 0


def _serve(settings: Settings, host: str, port: int, with_scheduler: bool) -> int:
    import uvicorn

    from bot.app import build_app
    from bot.server import create_web_app

    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    database = open_database(settings)
    clock = SystemClock()
    bot = build_app(settings, database, clock)
    stop = start_jobs(bot) if with_scheduler else None

    def shutdown() -> None:
        if stop is not None:
            stop()
        database.dispose()

    assert settings.slack_signing_secret is not None  # required above
    web_app = create_web_app(
        bot.app,
        database,
        bot.services.feeds,
        signing_secret=settings.slack_signing_secret,
        on_shutdown=shutdown,
        health_timeout=settings.database_timeout,
    )
    # Everything loaded so far lives as long as the process: keep it out of the cyclic
    # collector's full passes, which otherwise show up as tail latency on acks.
    gc.collect()
    gc.freeze()
    uvicorn.run(web_app, host=host, port=port, log_level="info", workers=1)
    return 0


def _socket(settings: Settings, with_scheduler: bool) -> int:
    import asyncio

    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    from bot.app import build_app
    from bot.core.web_api.background import use_ack_threads
    from bot.core.web_api.clients import make_async_web_client

    settings.require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    if settings.slack_signing_secret is None:
        # Socket Mode payloads arrive over an authenticated WebSocket, not signed HTTP.
        settings = replace(settings, slack_signing_secret="unused-in-socket-mode")
    database = open_database(settings)
    bot = build_app(settings, database, SystemClock())
    stop = start_jobs(bot) if with_scheduler else None
    web_client = make_async_web_client(settings, settings.slack_app_token)
    app_token = settings.slack_app_token

    async def run() -> None:
        use_ack_threads(asyncio.get_running_loop())
        # The SDK's Socket Mode client opens an aiohttp session, which needs a running loop.
        handler = AsyncSocketModeHandler(bot.app, app_token, web_client=web_client)
        try:
            await handler.start_async()  # type: ignore[no-untyped-call]
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]

    try:
        asyncio.run(run())
    finally:
        if stop is not None:
            stop()
    return 0


def _tick(settings: Settings, at: str | None) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from bot.composition import compose
    from bot.core.web_api.background import Background
    from bot.core.web_api.clients import make_web_client
    from bot.core.web_api.pacing import ChannelPacer
    from bot.lifecycle.startup import resume_if_token_works
    from scheduling.clock import FixedClock

    settings.require("SLACK_BOT_TOKEN")
    clock: SystemClock | FixedClock = SystemClock()
    if at is not None:
        try:
            instant = datetime.fromisoformat(at)
        except ValueError:
            raise SettingsError(
                f"--at {at!r} is not an ISO-8601 instant, e.g. 2024-01-08T09:00+01:00"
            ) from None
        if instant.tzinfo is None:
            raise SettingsError(f"--at {at!r} needs a time zone, e.g. 2024-01-08T09:00Z or +01:00")
        clock = FixedClock(instant)
    database = open_database(settings)
    with ThreadPoolExecutor(max_workers=1) as executor:
        client = make_web_client(settings, pacer=ChannelPacer())
        background = Background.on(executor, lambda _seconds, _later: None)
        services = compose(settings, database, clock, client, client, background)
        resume_if_token_works(client, services.lifecycle)  # after a reinstall
        print(services.jobs.tick())
    return 0


if __name__ == "__main__":
    sys.exit(main())
