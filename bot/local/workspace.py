"""A whole local Slack workspace: the emulator, a database loaded from a consortium file,
and the real Bolt app, driven with signed requests exactly as Slack would send them.

The shell, the demo and the end-to-end tests all drive the bot through this one door.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.app import build_app
from bot.composition import Services
from bot.core.web_api.background import Background
from bot.core.web_api.clients import make_web_client
from bot.core.web_api.pacing import ChannelPacer
from bot.core.web_api.retries import AFTER_THE_ACK, DEFAULT_LIMITS, SendLimits
from bot.local.emulator import EmulatedChannel, EmulatedUser, RecordedCall, SlackEmulator
from bot.local.emulator.blockkit import filled_values
from bot.local.executor import TrackingExecutor
from bot.meetings.invitations import Mailer, RecordingMailer
from bot.settings import Settings
from scheduling.calendars.feeds import FeedService
from scheduling.clock import Clock, FixedClock, SystemClock
from scheduling.consortium.file import ConsortiumSpec, load_consortium_file
from scheduling.consortium.importer import ImportReport, import_consortium
from scheduling.delivery.jobs import Jobs
from scheduling.updates.service import UpdateService
from storage.db import Database
from storage.migrate import upgrade

EXAMPLE_CONSORTIUM_FILE = Path(__file__).with_name("capacities.yaml")
LOCAL_TEAM_ID = "T0LOCAL"
LOCAL_BOT_TOKEN = "xoxb-local-workspace"
# The sender of the invitations by e-mail the local workspace keeps (and never sends).
LOCAL_MAIL_FROM = "CapaCITIES bot <consortium-bot@consortium.example.org>"


@dataclass(frozen=True)
class Exchange:
    """One request to the bot and everything it caused: the ack and the Web API calls."""

    status: int
    ack: dict[str, Any] | str
    calls: list[RecordedCall] = field(default_factory=list)

    @property
    def ack_text(self) -> str:
        return self.ack.get("text", "") if isinstance(self.ack, dict) else self.ack


def sign(body: str, signing_secret: str, timestamp: int) -> dict[str, str | Sequence[str]]:
    """Headers of a request Slack signed (v0 HMAC-SHA256 over timestamp and raw body)."""
    signature = SignatureVerifier(signing_secret).generate_signature(
        timestamp=str(timestamp), body=body
    )
    assert signature is not None  # only None when the secret is empty
    return {
        "x-slack-signature": [signature],
        "x-slack-request-timestamp": [str(timestamp)],
    }


class LocalWorkspace:
    """Start with `with LocalWorkspace.open(file, database_url) as workspace:`."""

    def __init__(
        self,
        spec: ConsortiumSpec,
        database: Database,
        emulator: SlackEmulator,
        clock: Clock,
        import_report: ImportReport,
        public_url: str | None = None,
        limits: SendLimits = DEFAULT_LIMITS,
        mailer: Mailer | None = None,
        pacer: ChannelPacer | None = None,
    ) -> None:
        self.spec = spec
        self.database = database
        self.emulator = emulator
        self.clock = clock
        self.import_report = import_report
        self.signing_secret = secrets.token_hex(16)
        self.settings = Settings(
            slack_bot_token=LOCAL_BOT_TOKEN,
            slack_signing_secret=self.signing_secret,
            slack_api_url=emulator.api_url,
            database_url=database.url,
            public_url=public_url,
            mail_from=LOCAL_MAIL_FROM,
        )
        self.executor = TrackingExecutor()
        # Invitations by e-mail are kept, never sent (the shell shows them), unless a test
        # hands a mail server.
        self.recorded = RecordingMailer()
        self.mailer: Mailer = mailer or self.recorded
        # Retry-After is honoured on the workspace's clock, not by really waiting.
        self.waits: list[float] = []
        # The emulator limits no post rate unless told to: the workspace paces its posts only
        # when handed a pacer (at the rate a test gave the emulator), shared by both clients.
        self.client = make_web_client(self.settings, sleep=self._wait, limits=limits, pacer=pacer)
        after_the_ack = replace(
            limits, rate_limit_retries=0, rate_limit_wait=0.0, pace_wait=AFTER_THE_ACK.pace_wait
        )
        web = make_web_client(self.settings, sleep=self._wait, limits=after_the_ack, pacer=pacer)
        # Work put off for a while (Slack asked to wait) comes back at once, on a clock moved on.
        background = Background.on(self.executor, self._later)
        self.bot = build_app(
            self.settings,
            database,
            clock,
            client=self.client,
            web=web,
            background=background,
            mailer=self.mailer,
        )
        self.app: AsyncApp = self.bot.app
        # Bolt's AsyncApp runs on an event loop of its own, as under uvicorn.
        self.loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(
            target=self.loop.run_forever, name="bolt-loop", daemon=True
        )
        self._loop_thread.start()
        # Real Slack clock for signatures: Bolt checks them against the current time.
        self._signature_clock = SystemClock()

    @classmethod
    @contextmanager
    def open(
        cls,
        database_url: str,
        consortium_file: Path = EXAMPLE_CONSORTIUM_FILE,
        clock: Clock | None = None,
        public_url: str | None = "https://consortium.example.org",
    ) -> Iterator[LocalWorkspace]:
        """A workspace on `database_url`, migrated and with `consortium_file` imported."""
        spec = load_consortium_file(consortium_file)
        database = Database.connect(database_url)
        upgrade(database.engine)
        clock = clock or SystemClock()
        report = import_consortium(database, spec, clock)
        with cls.on(database, spec, clock, report, public_url) as workspace:
            yield workspace

    @classmethod
    @contextmanager
    def on(
        cls,
        database: Database,
        spec: ConsortiumSpec,
        clock: Clock,
        import_report: ImportReport,
        public_url: str | None = "https://consortium.example.org",
        limits: SendLimits = DEFAULT_LIMITS,
        mailer: Mailer | None = None,
        pacer: ChannelPacer | None = None,
    ) -> Iterator[LocalWorkspace]:
        """A workspace on a database that already holds `spec` (the tests' templates);
        `limits` bound its Web API calls (a short timeout for tests of slow answers);
        `mailer` sends its invitations by e-mail (by default they are only kept); `pacer`
        paces its posts per channel (by default they are not)."""
        users = [EmulatedUser(m.slack_id, m.name, m.timezone, m.team_id) for m in spec.members]
        # Partners of other workspaces meet in the consortium's channels (Slack Connect).
        partners = tuple(sorted({u.team_id for u in users if u.team_id} - {LOCAL_TEAM_ID}))
        channels = [EmulatedChannel(c, p, partners) for p, c in spec.channels.items()]
        with SlackEmulator(users=users, channels=channels, team_id=LOCAL_TEAM_ID) as emulator:
            workspace = cls(
                spec, database, emulator, clock, import_report, public_url, limits, mailer, pacer
            )
            try:
                yield workspace
            finally:
                workspace.close()

    @property
    def services(self) -> Services:
        """The bot's services, for tests and the demo to inspect what it stored."""
        return self.bot.services

    @property
    def feeds(self) -> FeedService:
        return self.services.feeds

    def app_services_updates(self) -> UpdateService:
        """The bot's update service, for tests to inspect."""
        return self.services.updates

    def _later(self, seconds: float, callback: Callable[[], None]) -> None:
        self._wait(seconds)
        callback()

    def _wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        if isinstance(self.clock, FixedClock):
            self.clock.advance(timedelta(seconds=seconds))

    @property
    def jobs(self) -> Jobs:
        return self.services.jobs

    def close(self) -> None:
        self.executor.wait_idle()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._loop_thread.join(timeout=10)
        self.loop.close()
        self.executor.shutdown(wait=True)
        self.database.dispose()

    # -- sending requests as Slack would ------------------------------------------------------

    def dispatch(
        self, body: str, content_type: str, extra: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any] | str]:
        timestamp = int(self._signature_clock.now().timestamp())
        headers = sign(body, self.signing_secret, timestamp)
        headers["content-type"] = [content_type]
        for name, value in (extra or {}).items():
            headers[name] = [value]
        request = AsyncBoltRequest(body=body, headers=headers)
        pending = asyncio.run_coroutine_threadsafe(self.app.async_dispatch(request), self.loop)
        response = pending.result(timeout=30)
        try:
            parsed: dict[str, Any] | str = json.loads(response.body) if response.body else ""
        except json.JSONDecodeError:
            parsed = response.body
        return response.status, parsed

    def _exchange(
        self, body: str, content_type: str, extra: dict[str, str] | None = None
    ) -> Exchange:
        before = len(self.emulator.calls())
        status, ack = self.dispatch(body, content_type, extra)
        self.executor.wait_idle()
        return Exchange(status, ack, self.emulator.calls()[before:])

    def command(self, user_id: str, line: str, channel_id: str | None = None) -> Exchange:
        """Send a slash command line such as `/consortium whoami` as `user_id`."""
        command, _, text = line.strip().partition(" ")
        if not command.startswith("/"):
            raise ValueError(f"a slash command starts with '/': {line!r}")
        channel = channel_id or next(iter(self.spec.channels.values()), "C0GENERAL")
        team = self.emulator.team_of(user_id)  # a partner's own: where they are in Slack
        body = urlencode(
            {
                "token": "unused-verification-token",
                "team_id": team,
                "team_domain": "local" if team == LOCAL_TEAM_ID else "partner",
                "channel_id": channel,
                "channel_name": "local",
                "user_id": user_id,
                "user_name": user_id.lower(),
                "command": command,
                "text": text.strip(),
                "api_app_id": "A0LOCAL",
                "is_enterprise_install": "false",
                "response_url": self.emulator.new_response_url(),
                "trigger_id": self.emulator.issue_trigger_id(),
            }
        )
        return self._exchange(body, "application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any], event_id: str | None = None, retry: int = 0) -> Exchange:
        """Deliver an Events API callback (e.g. app_home_opened); `retry` > 0 sends it as
        Slack's retry number `retry` of an event it thinks was not acknowledged in time."""
        body = json.dumps(
            {
                "token": "unused-verification-token",
                "team_id": LOCAL_TEAM_ID,
                "api_app_id": "A0LOCAL",
                "type": "event_callback",
                "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
                "event_time": int(self.clock.now().timestamp()),
                "authorizations": [{"team_id": LOCAL_TEAM_ID, "user_id": "U0BOT", "is_bot": True}],
                "event": event,
            }
        )
        retried = {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"}
        return self._exchange(body, "application/json", retried if retry else None)

    # `view.state.values` of a form filled in as a person would (the emulator's Block Kit).
    fill = staticmethod(filled_values)

    def submit_view(self, user_id: str, view: dict[str, Any], values: dict[str, Any]) -> Exchange:
        """Submit a modal the bot opened, with `values` as Slack's `view.state.values`."""
        # Submitted from another workspace, the view (and `team`) is theirs, of our app.
        submitted = {**view, "state": {"values": values}, "app_installed_team_id": LOCAL_TEAM_ID}
        submitted["team_id"] = self.emulator.team_of(user_id)
        return self._interact(
            "view_submission", user_id, {"view": submitted, "is_enterprise_install": False}
        )

    def click(
        self, user_id: str, action_id: str, value: str, channel_id: str | None = None
    ) -> Exchange:
        """Press a button the bot posted (a `block_actions` payload)."""
        channel = channel_id or next(iter(self.spec.channels.values()), "C0GENERAL")
        return self._press(
            user_id,
            {"type": "button", "action_id": action_id, "block_id": "b", "value": value},
            {
                "response_url": self.emulator.new_response_url(channel=channel, user=user_id),
                "channel": {"id": channel},
                "container": {"type": "message", "channel_id": channel},
            },
        )

    def click_on_home(self, user_id: str, action_id: str, value: str | None = None) -> Exchange:
        """Press a button on the member's Home tab: Slack sends the view, and neither a
        channel nor a response_url."""
        home = next(
            (
                {**view, "id": view_id}
                for view_id, view in self.emulator.views().items()
                if view.get("type") == "home" and view.get("user") == user_id
            ),
            {"type": "home", "id": "V0HOME", "blocks": []},
        )
        action: dict[str, Any] = {"type": "button", "action_id": action_id, "block_id": "b"}
        if value is not None:
            action["value"] = value
        where = {"container": {"type": "view", "view_id": home["id"]}, "view": home}
        return self._press(user_id, action, where)

    def message_shortcut(
        self, user_id: str, callback_id: str, message: dict[str, Any], channel_id: str
    ) -> Exchange:
        """Choose a message shortcut (the ⋯ menu of a message), as Slack sends it."""
        response_url = self.emulator.new_response_url(channel=channel_id, user=user_id)
        chosen = {"callback_id": callback_id, "response_url": response_url, "message": message}
        chosen |= {"channel": {"id": channel_id}, "message_ts": message.get("ts", "1.000001")}
        return self._interact("message_action", user_id, chosen)

    def _press(self, user_id: str, action: dict[str, Any], where: dict[str, Any]) -> Exchange:
        return self._interact("block_actions", user_id, {**where, "actions": [action]})

    def _interact(self, kind: str, user_id: str, fields: dict[str, Any]) -> Exchange:
        """An interaction payload as Slack posts it: its kind, who (and their workspace), a
        fresh trigger_id."""
        team = self.emulator.team_of(user_id)
        payload = {
            "type": kind,
            "team": {"id": team if kind == "view_submission" else LOCAL_TEAM_ID},
            "user": {"id": user_id, "team_id": team},
            "api_app_id": "A0LOCAL",
            "token": "unused-verification-token",
            "trigger_id": self.emulator.issue_trigger_id(),
            **fields,
        }
        return self._exchange(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    def open_home(self, user_id: str) -> Exchange:
        return self.event(
            {"type": "app_home_opened", "user": user_id, "channel": "D0HOME", "tab": "home"}
        )

    def partner_from(self, team_id: str, user_id: str, name: str = "Partner") -> str:
        """Someone of another workspace (`team_id`) in the shared channels, listed or not."""
        self.emulator.add_user(EmulatedUser(user_id, name, self.spec.timezone, team_id))
        self.emulator.share_channels_with(team_id)
        return user_id

    def member_id(self, who: str) -> str:
        """A member's Slack ID from their ID or (part of) their name, case-insensitively."""
        for member in self.spec.members:
            if who == member.slack_id:
                return who
        matches = [m.slack_id for m in self.spec.members if who.lower() in m.name.lower()]
        if len(matches) == 1:
            return matches[0]
        if not matches and who.upper().startswith("U"):
            # Someone in the Slack workspace whom the consortium does not know (yet).
            stranger = who.upper()
            self.emulator.add_user(EmulatedUser(stranger, "Newcomer", self.spec.timezone))
            return stranger
        raise ValueError(f"{who!r} names {len(matches)} members; use a Slack ID")
