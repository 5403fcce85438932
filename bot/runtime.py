"""Start-up pieces shared by the CLI's commands: open and migrate the database, build the app."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError

from bot.settings import Settings, SettingsError
from storage.db import Database, timed_out
from storage.migrate import upgrade

if TYPE_CHECKING:
    from bot.app import Bot

logger = logging.getLogger("consortium_bot")


class StartupError(Exception):
    """Start-up cannot go on; the message is one line for the operator."""


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """Connect to DATABASE_URL and (by default) apply pending migrations."""
    try:
        database = Database.connect(settings.database_url, settings.database_timeout)
    except (ValueError, ImportError) as error:
        raise SettingsError(f"DATABASE_URL cannot be used: {error}") from None
    if migrate:
        try:
            upgrade(database.engine)
        except OperationalError as error:
            reason = str(error.orig or error).strip().splitlines()[0]
            if timed_out(error):
                raise StartupError(
                    f"the database at {database.url} is busy ({reason}); nothing was "
                    "changed, try again"
                ) from None
            raise StartupError(
                f"cannot use the database at {database.url} (waited at most "
                f"{settings.database_timeout:g} s, DATABASE_TIMEOUT): {reason}"
            ) from None
    return database


def start_jobs(bot: Bot) -> Callable[[], None]:
    """Start APScheduler for this process's bot; returns the function that stops it."""
    from bot.scheduler import start_scheduler

    jobs = bot.services.jobs
    setting = jobs.digest_setting()
    scheduler = start_scheduler(jobs, setting.zone, setting.every)
    bot.services.scheduler.running = lambda: bool(scheduler.running)
    logger.info(
        "scheduler started: reminder sweep every minute, digest %s (%s)",
        setting.every,
        setting.zone,
    )

    def stop() -> None:
        scheduler.shutdown(wait=False)

    return stop
