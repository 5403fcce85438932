"""The resident scheduler: few jobs with stable IDs, time zones on every trigger, and the
misfire and coalescing settings chosen on purpose (APScheduler's defaults would drop sweeps)."""

from __future__ import annotations

import importlib.metadata
from datetime import UTC, datetime

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.local.render import render_message
from bot.local.workspace import LocalWorkspace
from bot.runtime import start_jobs
from bot.scheduler import (
    DIGEST_JOB_ID,
    RETENTION_JOB_ID,
    SWEEP_JOB_ID,
    digest_trigger,
    start_scheduler,
)
from scheduling.clock import FixedClock
from scheduling.vocabulary import DigestSchedule
from tests.support import ROOT


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 20, tzinfo=UTC))


def test_apscheduler_is_3_11_2_or_later_and_not_4() -> None:
    major, minor, patch = (int(p) for p in importlib.metadata.version("apscheduler").split(".")[:3])
    assert major == 3 and (minor, patch) >= (11, 2)


def test_three_jobs_with_stable_ids_zones_grace_and_coalescing(workspace: LocalWorkspace) -> None:
    scheduler = start_scheduler(
        workspace.jobs, "Europe/Vienna", DigestSchedule.parse("monday 09:00")
    )
    try:
        sweep, digest = scheduler.get_job(SWEEP_JOB_ID), scheduler.get_job(DIGEST_JOB_ID)
        retention = scheduler.get_job(RETENTION_JOB_ID)
        assert {job.id for job in scheduler.get_jobs()} == {
            SWEEP_JOB_ID,
            DIGEST_JOB_ID,
            RETENTION_JOB_ID,
        }
        # The retention run is due from 03:00 in the consortium's zone: a look now and then
        # finds it; the database says whether it is done.
        assert isinstance(retention.trigger, IntervalTrigger) and retention.coalesce
        assert isinstance(sweep.trigger, IntervalTrigger)
        assert str(sweep.trigger.timezone) == "UTC"
        assert isinstance(digest.trigger, CronTrigger)
        assert str(digest.trigger.timezone) == "Europe/Vienna"
        assert sweep.misfire_grace_time == 300 and digest.misfire_grace_time == 6 * 3600
        assert sweep.coalesce and digest.coalesce
        assert sweep.max_instances == 1
        # Adding them again replaces them: restarts never pile up copies.
        scheduler.add_job(
            workspace.jobs.sweep, sweep.trigger, id=SWEEP_JOB_ID, replace_existing=True
        )
        assert len(scheduler.get_jobs()) == 3
    finally:
        scheduler.shutdown(wait=False)


def test_the_digest_fires_at_nine_vienna_time_in_winter_and_summer() -> None:
    trigger = digest_trigger(DigestSchedule.parse("monday 09:00"), "Europe/Vienna")
    winter = trigger.get_next_fire_time(None, datetime(2026, 3, 20, tzinfo=UTC))
    summer = trigger.get_next_fire_time(None, datetime(2026, 3, 31, tzinfo=UTC))
    assert winter is not None and summer is not None
    assert winter.astimezone(UTC) == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
    assert summer.astimezone(UTC) == datetime(2026, 4, 6, 7, 0, tzinfo=UTC)


def test_status_says_the_scheduler_runs_in_this_process(workspace: LocalWorkspace) -> None:
    stop = start_jobs(workspace.bot)
    try:
        exchange = workspace.command("U0COORD1", "/consortium status")
        shown = render_message(exchange.ack_text, exchange.ack["blocks"])  # type: ignore[index]
        assert "*Scheduler:* running" in shown
    finally:
        stop()


def test_no_crontab_numbers_for_weekdays_anywhere() -> None:
    # APScheduler 3 counts Monday as 0 where crontab counts it as 1: names only.
    sources = [
        p.read_text(encoding="utf-8")
        for folder in ("bot", "scheduling")
        for p in (ROOT / folder).rglob("*.py")
    ]
    assert not any("from_crontab" in source for source in sources)
