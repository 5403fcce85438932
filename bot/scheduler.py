"""APScheduler inside `serve` and `socket`: a sweep every minute, the weekly digest, and a
look every quarter of an hour whether the daily retention run is due.

Only *when to look* lives here; what is due and what was sent live in the database, so the
jobs are a few with stable IDs (`replace_existing=True`), nothing is pickled, and two
instances or a restart send nothing twice. Every trigger carries its time zone.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduling.delivery.jobs import Jobs
from scheduling.vocabulary import DigestSchedule
from storage.db import DatabaseBusyError

logger = logging.getLogger("consortium_bot.scheduler")

SWEEP_JOB_ID = "reminder-sweep"
DIGEST_JOB_ID = "weekly-digest"
RETENTION_JOB_ID = "daily-retention"
# The retention run is due from 03:00 in the consortium's zone until done (the database says
# whether it is): looking every quarter of an hour does it soon after 03:00, or soon after a
# restart that missed it, and reads the zone afresh after an import changed it.
RETENTION_LOOK_MINUTES = 15
# APScheduler's default grace of 1 s would silently drop a sweep delayed by a busy process;
# the sweep itself knows what is late, so let a late run happen.
SWEEP_MISFIRE_GRACE = 5 * 60
DIGEST_MISFIRE_GRACE = 6 * 60 * 60


def digest_trigger(every: DigestSchedule, zone: str) -> CronTrigger:
    """The digest's schedule as a cron trigger in the consortium's zone; day names, never
    numbers (APScheduler 3 counts Monday as 0, crontab as 1)."""
    return CronTrigger(
        day_of_week=every.weekday.value[:3],
        hour=every.hour,
        minute=every.minute,
        timezone=ZoneInfo(zone),
    )


def _log_problem(event: JobExecutionEvent) -> None:
    if isinstance(event.exception, DatabaseBusyError):
        # Nothing was written; the next run does the work. One line, not a trace.
        logger.warning("job %s: the database was busy, trying at the next run", event.job_id)
    elif event.exception is not None:
        logger.error("job %s failed", event.job_id, exc_info=event.exception)
    else:
        logger.warning("job %s missed its run at %s", event.job_id, event.scheduled_run_time)


def start_scheduler(jobs: Jobs, zone: str, every: DigestSchedule) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone=ZoneInfo("UTC"),
        job_defaults={"coalesce": True, "max_instances": 1},
    )
    scheduler.add_listener(_log_problem, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    scheduler.add_job(
        jobs.sweep,
        IntervalTrigger(minutes=1, timezone=ZoneInfo("UTC")),
        id=SWEEP_JOB_ID,
        replace_existing=True,
        misfire_grace_time=SWEEP_MISFIRE_GRACE,
        coalesce=True,
    )
    scheduler.add_job(
        jobs.digest,
        digest_trigger(every, zone),
        id=DIGEST_JOB_ID,
        replace_existing=True,
        misfire_grace_time=DIGEST_MISFIRE_GRACE,
        coalesce=True,
    )
    scheduler.add_job(
        jobs.retention.run_if_due,
        IntervalTrigger(minutes=RETENTION_LOOK_MINUTES, timezone=ZoneInfo("UTC")),
        id=RETENTION_JOB_ID,
        replace_existing=True,
        misfire_grace_time=SWEEP_MISFIRE_GRACE,
        coalesce=True,
    )
    scheduler.start()
    return scheduler
