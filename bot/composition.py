"""The services listeners use, put into Bolt's context by one middleware.

Bolt injects context keys into listeners by parameter name, so a listener declares
`meetings: MeetingService` and receives it; nothing is global. `web` is the synchronous,
retrying WebClient used after the ack (Bolt's own `client` is the async one).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk import WebClient

from bot.core.background import Background, SchedulerState
from bot.meetings.announcer import SlackNotifier
from bot.reminders.notifier import SlackScheduledNotifier
from bot.settings import Settings
from bot.updates.publisher import UpdateNotifier
from scheduling.clock import Clock
from scheduling.consortium.directory import DirectoryService
from scheduling.delivery.jobs import Jobs
from scheduling.meetings.feeds import FeedService
from scheduling.meetings.service import MeetingService
from scheduling.updates.rounds import RoundService
from scheduling.updates.service import UpdateService
from storage.db import Database


@dataclass(frozen=True)
class Services:
    settings: Settings
    database: Database
    clock: Clock
    directory: DirectoryService
    meetings: MeetingService
    feeds: FeedService
    notifier: SlackNotifier
    background: Background
    web: WebClient
    updates: UpdateService
    rounds: RoundService
    update_notifier: UpdateNotifier
    jobs: Jobs
    scheduler: SchedulerState

    @classmethod
    def create(
        cls,
        settings: Settings,
        database: Database,
        clock: Clock,
        client: WebClient,
        executor: Executor,
    ) -> Services:
        directory = DirectoryService(database)
        meetings = MeetingService(database, clock)
        notifier = SlackNotifier(client, meetings, directory, clock, settings.public_url)
        updates = UpdateService(database, clock)
        rounds = RoundService(database, clock)
        return cls(
            settings=settings,
            database=database,
            clock=clock,
            directory=directory,
            meetings=meetings,
            feeds=FeedService(database, clock),
            notifier=notifier,
            background=Background(executor),
            web=client,
            updates=updates,
            rounds=rounds,
            update_notifier=UpdateNotifier(client, database, clock, directory, updates, rounds),
            jobs=Jobs(database, clock, SlackScheduledNotifier(client, directory), directory),
            scheduler=SchedulerState(),
        )


def install(app: AsyncApp, services: Services) -> None:
    """Register the middleware that hands every listener the services by name."""

    @app.middleware
    async def provide_services(
        context: AsyncBoltContext, next: Callable[[], Awaitable[Any]]
    ) -> Any:
        context["clock"] = services.clock
        context["settings"] = services.settings
        context["directory"] = services.directory
        context["meetings"] = services.meetings
        context["feeds"] = services.feeds
        context["notifier"] = services.notifier
        context["background"] = services.background
        context["web"] = services.web
        context["updates"] = services.updates
        context["rounds"] = services.rounds
        context["update_notifier"] = services.update_notifier
        context["jobs"] = services.jobs
        context["rsvps"] = services.jobs.rsvps
        context["scheduler"] = services.scheduler
        return await next()
