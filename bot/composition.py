"""The composition root: every service built once, from settings, a database and a clock.

`compose_domain` builds what needs no Slack (the CLI's import and export use it); `compose`
adds the Slack side (notifiers, the background pool) for `serve`, `socket`, `tick` and the
local workspace. `build_app` only wires Bolt to what this returns. Listeners receive these
services by name through Bolt's context (`provide`), declaring them as typed parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from slack_sdk import WebClient

from bot.answers.kept import KeptAnswers
from bot.core.web_api.background import Background, SchedulerState
from bot.core.web_api.retries import DEFAULT_LIMITS, SendLimits
from bot.home.tabs import HomeTabs
from bot.meetings.announcer import MeetingAnnouncer
from bot.meetings.invitations import Mailer, SmtpMailer
from bot.reminders.notifier import SlackDeliveryNotifier
from bot.rounds.messenger import RoundMessenger
from bot.settings import Settings
from bot.updates.publisher import UpdatePublisher
from scheduling.actions.items import ActionService
from scheduling.actions.minutes import MinutesService
from scheduling.agenda.service import AgendaService
from scheduling.agenda.topics import TopicService
from scheduling.attendance.record import RecordService
from scheduling.attendance.service import AttendanceService
from scheduling.calendars.feeds import FeedService
from scheduling.clock import Clock
from scheduling.consortium.directory import DirectoryService
from scheduling.delivery.deliverer import JobSettings
from scheduling.delivery.jobs import Jobs
from scheduling.home.service import HomeService
from scheduling.lifecycle.service import LifecycleService
from scheduling.meetings.rsvp import RsvpService
from scheduling.meetings.service import MeetingService
from scheduling.nudges.service import NudgeService
from scheduling.privacy.access import PersonalDataService
from scheduling.privacy.erasure import ErasureService
from scheduling.updates.rounds import RoundService
from scheduling.updates.service import UpdateService
from scheduling.workdays.away import AwayService
from scheduling.workdays.checking import CalendarChecks
from storage.db import Database


@dataclass(frozen=True)
class Domain:
    """The domain's services: no Slack in them."""

    directory: DirectoryService
    meetings: MeetingService
    rsvps: RsvpService
    feeds: FeedService
    updates: UpdateService
    rounds: RoundService
    nudges: NudgeService
    home: HomeService
    action_items: ActionService
    minutes: MinutesService
    attendance: AttendanceService
    records: RecordService
    topics: TopicService
    agendas: AgendaService
    checks: CalendarChecks
    away: AwayService
    personal_data: PersonalDataService
    lifecycle: LifecycleService
    erasure: ErasureService


def compose_domain(database: Database, clock: Clock, *, mail: bool = False) -> Domain:
    """`mail`: the bot can send e-mail, so meeting changes queue invitations by e-mail."""
    directory = DirectoryService(database)
    feeds = FeedService(database, clock)
    return Domain(
        directory=directory,
        meetings=MeetingService(database, clock, invitations_by_mail=mail),
        rsvps=RsvpService(database, clock, directory),
        feeds=feeds,
        updates=UpdateService(database, clock),
        rounds=RoundService(database, clock),
        nudges=NudgeService(database, clock),
        home=HomeService(database, clock, directory, feeds, mail_works=mail),
        action_items=ActionService(database, clock, directory),
        minutes=MinutesService(database, clock),
        attendance=AttendanceService(database, clock, directory),
        records=RecordService(database, clock, directory),
        topics=TopicService(database, clock),
        agendas=AgendaService(database, clock),
        checks=CalendarChecks(database, clock),
        away=AwayService(database, clock, directory),
        personal_data=PersonalDataService(database, clock),
        lifecycle=LifecycleService(database, clock),
        erasure=ErasureService(database, clock, directory),
    )


@dataclass(frozen=True)
class Services(Domain):
    """The domain's services and the Slack side: everything a listener may ask for by name,
    and what the scheduler runs."""

    settings: Settings
    jobs: Jobs  # the scheduler's: waits out short rate limits in its own thread
    outbox: Jobs  # after an ack: sends what a change queued, redraws; never waits in a thread
    announcer: MeetingAnnouncer
    publisher: UpdatePublisher
    messenger: RoundMessenger
    background: Background
    web: WebClient
    scheduler: SchedulerState
    homes: HomeTabs
    answers: KeptAnswers  # reading commands' answers, kept while the database is unchanged

    def by_name(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


# One step of a send: asking Slack for a part in doubt (opening the DM, reading history) and
# posting it (a file takes three Web API calls and the upload itself).
CALLS_PER_STEP = 6


def check_lease(job_settings: JobSettings, limits: SendLimits) -> None:
    """A claim's lease must outlast the longest step a sender may take while holding it, or
    a second sender could take over a message that is still going out: its calls, and the
    wait of its one post for its channel's turn (`bot/core/web_api/pacing.py`)."""
    longest = CALLS_PER_STEP * limits.longest_call() + limits.pace_wait
    if job_settings.lease.total_seconds() <= longest:
        raise ValueError(
            f"the delivery lease ({job_settings.lease}) must outlast one step of a send"
            f" ({longest:.0f} s with these Web API time limits)"
        )


def compose(
    settings: Settings,
    database: Database,
    clock: Clock,
    client: WebClient,
    web: WebClient,
    background: Background,
    job_settings: JobSettings | None = None,
    limits: SendLimits = DEFAULT_LIMITS,
    mailer: Mailer | None = None,
) -> Services:
    """`client` is the scheduler's (it may wait out a short Retry-After); `web` answers after
    an ack and never waits one out (`bot/core/web_api/background.py`). Invitations go by e-mail
    through `mailer`, else the SMTP_URL server, when MAIL_FROM names the sender."""
    if mailer is None and settings.smtp is not None:
        mailer = SmtpMailer(settings.smtp)
    mail = (mailer, settings.mail_from) if mailer and settings.mail_from else None
    domain = compose_domain(database, clock, mail=mail is not None)
    job_settings = job_settings or JobSettings()
    check_lease(job_settings, limits)

    def jobs_on(slack: WebClient) -> Jobs:
        notifier = SlackDeliveryNotifier(slack, domain.directory, clock, settings.organizer, mail)
        return Jobs(database, clock, notifier, domain.directory, job_settings)

    outbox = jobs_on(web)
    homes = HomeTabs(web, domain.home, domain.directory, background, settings.public_url)
    return Services(
        **{field.name: getattr(domain, field.name) for field in fields(Domain)},
        settings=settings,
        jobs=jobs_on(client),
        outbox=outbox,
        announcer=MeetingAnnouncer(web, outbox, background.messages, homes.changed),
        publisher=UpdatePublisher(
            web, domain.directory, outbox, background.messages, homes.changed
        ),
        messenger=RoundMessenger(web, outbox, background.messages, homes.changed),
        background=background,
        web=web,
        scheduler=SchedulerState(),
        homes=homes,
        answers=KeptAnswers(database.changes, clock),
    )
