"""The services listeners use, put into Bolt's context by one middleware.

Bolt injects context keys into listeners by parameter name, so a listener declares
`directory: DirectoryService` and receives it; nothing is global.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext

from bot.settings import Settings
from scheduling.clock import Clock
from scheduling.directory import DirectoryService
from storage.db import Database


@dataclass(frozen=True)
class Services:
    settings: Settings
    database: Database
    clock: Clock
    directory: DirectoryService

    @classmethod
    def create(cls, settings: Settings, database: Database, clock: Clock) -> Services:
        return cls(settings, database, clock, DirectoryService(database))


def install(app: App, services: Services) -> None:
    """Register the middleware that hands every listener the services by name."""

    @app.middleware
    def provide_services(context: BoltContext, next: Callable[[], Any]) -> Any:
        context["clock"] = services.clock
        context["directory"] = services.directory
        context["settings"] = services.settings
        return next()
