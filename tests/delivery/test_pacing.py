"""Posts paced per channel at Slack's rate (`bot/core/web_api/pacing.py`): a fan-out into one
channel meets no 429 and keeps the rate, DMs never wait on one another, a turn too far away
leaves the message for a later pass, and two sweeps at once keep the pace between them.

Through the delivery path as the scheduler runs it: `Jobs.sweep()`, the Slack notifier, a real
WebClient and the emulator over HTTP with its per-channel post limit. Time is a fake monotonic
clock shared by the emulator, the pacer and the client's Retry-After sleeps, so a second of
pacing takes none; the test of two threads uses real time at 20 posts a second."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.composition import CALLS_PER_STEP, check_lease
from bot.core.web_api.clients import make_web_client
from bot.core.web_api.pacing import ChannelPacer
from bot.core.web_api.retries import DEFAULT_LIMITS, SendLimits
from bot.local.emulator import EmulatedChannel, EmulatedUser, SlackEmulator
from bot.reminders.notifier import SlackDeliveryNotifier
from bot.settings import Settings
from scheduling.clock import FixedClock
from scheduling.consortium.directory import DirectoryService
from scheduling.consortium.file import parse_consortium_text
from scheduling.consortium.importer import import_consortium
from scheduling.delivery.deliverer import JobSettings, SweepReport
from scheduling.delivery.jobs import Jobs
from storage.db import Database
from storage.models import Delivery
from tests.support import run_at_once

CHANNEL = "C0ANNOUNCE"
IMPORTED_AT = datetime(2024, 3, 1, tzinfo=UTC)
DUE_AT = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)  # reminders 1 h before 10:00 UTC


def consortium(members: int, meetings: int, by_dm: bool = False) -> str:
    """`meetings` webinars at one time in one channel; `members`, all taking DMs `by_dm`."""
    dm = ", reminder_delivery: dm" if by_dm else ""
    lines = ["consortium:", "  name: Pacing", "  timezone: UTC"]
    lines += [f"  channels: {{announcements: {CHANNEL}}}", "countries:"]
    lines += ["  - {code: AT, name: Austria, role: core}", "members:"]
    lines += [
        f"  - {{slack_id: U{n:04d}, name: Member {n}, country: AT{dm}}}" for n in range(members)
    ]
    lines.append("meetings:")
    lines += [
        f"  - {{id: w{n}, kind: webinar, title: Webinar {n}, start: 2024-03-05 10:00, "
        "duration: 60m, channel: announcements, audience: all, reminders: [1h]}"
        for n in range(meetings)
    ]
    return "\n".join(lines) + "\n"


@dataclass
class FakeTime:
    """Monotonic seconds that pass only when someone sleeps; each sleeper's sleeps kept."""

    now: float = 1000.0
    sleeps: dict[str, list[float]] = field(default_factory=dict)

    def clock(self) -> float:
        return self.now

    def sleeper(self, who: str) -> Callable[[float], None]:
        taken = self.sleeps.setdefault(who, [])

        def sleep(seconds: float) -> None:
            taken.append(seconds)
            self.now += seconds

        return sleep


class Bot:
    """The scheduler's jobs on `database`, talking to `emulator` through a real WebClient."""

    def __init__(
        self,
        database: Database,
        emulator: SlackEmulator,
        pacer: ChannelPacer | None,
        sleep: Callable[[float], None],
        limits: SendLimits = DEFAULT_LIMITS,
    ) -> None:
        settings = Settings(
            slack_bot_token="xoxb-pacing",
            slack_signing_secret="x",
            slack_api_url=emulator.api_url,
            database_url=database.url,
        )
        self.clock = FixedClock(DUE_AT)
        client = make_web_client(settings, sleep=sleep, limits=limits, pacer=pacer)
        directory = DirectoryService(database)
        notifier = SlackDeliveryNotifier(client, directory, self.clock, settings.organizer)
        self.jobs = Jobs(database, self.clock, notifier, directory, JobSettings())


@pytest.fixture
def imported(database: Database) -> Callable[[str], Database]:
    """The database with a consortium imported, as `consortium-bot import` does."""

    def load(text: str) -> Database:
        import_consortium(database, parse_consortium_text(text), FixedClock(IMPORTED_AT))
        return database

    return load


def slack(
    text: str, clock: Callable[[], float] = time.monotonic, limit: tuple[float, int] = (1.0, 1)
) -> SlackEmulator:
    """The emulator with the consortium's members and channel, `limit` posts a second per
    channel (in bursts of one: Slack promises nothing of a burst), on `clock` throughout."""
    members = parse_consortium_text(text).members
    users = [EmulatedUser(m.slack_id, m.name, "UTC") for m in members]
    channels = [EmulatedChannel(CHANNEL, "announcements")]
    return SlackEmulator(
        users=users, channels=channels, clock=clock, wall_clock=clock, post_rate_limit=limit
    )


def statuses(emulator: SlackEmulator) -> Counter[int]:
    return Counter(call.status for call in emulator.calls("chat.postMessage"))


def sent_once(database: Database, emulator: SlackEmulator) -> bool:
    """Every delivery sent, and in Slack exactly once by its key."""
    with database.read() as work:
        rows = work.session.execute(select(Delivery.key, Delivery.status))
        outbox = {key: status for key, status in rows}
    keys = Counter(
        str((m.metadata or {}).get("event_payload", {}).get("key")) for m in emulator.messages()
    )
    return set(outbox.values()) == {"sent"} and keys == Counter(outbox.keys())


MEETINGS = 12  # reminders due at once in one channel


@pytest.mark.parametrize("paced", [True, False], ids=["paced", "unpaced"])
def test_a_fan_out_into_one_channel_keeps_slacks_rate_and_meets_no_429(
    imported: Callable[[str], Database], paced: bool
) -> None:
    text = consortium(members=3, meetings=MEETINGS)
    database = imported(text)
    fake = FakeTime()
    with slack(text, fake.clock) as emulator:
        pacer = ChannelPacer(clock=fake.clock, sleep=fake.sleeper("pacer")) if paced else None
        report = Bot(database, emulator, pacer, fake.sleeper("client")).jobs.sweep()
        accepted = [c.at for c in emulator.calls("chat.postMessage") if c.status == 200]
        assert report.sent == MEETINGS and report.failed == 0
        assert sent_once(database, emulator)
        if not paced:
            # As it was: the limit learnt from a 429 before every post but the first.
            assert statuses(emulator)[429] == MEETINGS - 1
            return
        assert statuses(emulator) == Counter({200: MEETINGS})
    # One post a second, none later than its turn: the ideal rate.
    assert [round(b - a, 6) for a, b in itertools.pairwise(accepted)] == [1.0] * (MEETINGS - 1)
    assert len(fake.sleeps["pacer"]) == MEETINGS - 1
    assert fake.sleeps["client"] == []  # no Retry-After to wait out


def test_dms_go_out_without_waiting_on_one_another(imported: Callable[[str], Database]) -> None:
    members = 30
    text = consortium(members=members, meetings=1)
    database = imported(text)
    directory = DirectoryService(database)
    for n in range(members):
        directory.set_reminder_delivery(f"U{n:04d}", "dm")  # `/consortium remind me dm`
    fake = FakeTime()
    began = fake.now
    with slack(text, fake.clock) as emulator:
        pacer = ChannelPacer(clock=fake.clock, sleep=fake.sleeper("pacer"))
        report = Bot(database, emulator, pacer, fake.sleeper("client")).jobs.sweep()
        assert report.sent == members + 1  # the meeting's channel and every DM
        assert statuses(emulator) == Counter({200: members + 1})
        assert sent_once(database, emulator)
        assert max(Counter(m.channel for m in emulator.messages()).values()) == 1
    # Each DM is a channel of its own: not one post waited for its turn.
    assert fake.sleeps["pacer"] == [] and fake.now == began


def test_a_turn_further_than_the_client_waits_leaves_the_post_for_a_later_pass(
    imported: Callable[[str], Database],
) -> None:
    text = consortium(members=3, meetings=3)
    database = imported(text)
    fake = FakeTime()
    # A sender that may wait half a second for a turn, in a channel of one post a second.
    limits = SendLimits(pace_wait=0.5)
    with slack(text, fake.clock) as emulator:
        pacer = ChannelPacer(clock=fake.clock, sleep=fake.sleeper("pacer"))
        bot = Bot(database, emulator, pacer, fake.sleeper("client"), limits)
        first = bot.jobs.sweep()
        assert (first.sent, first.failed) == (1, 2)
        for error in first.failures.values():
            # Refused here before it was sent: certain, and when its turn comes.
            assert error.code == "ratelimited" and not error.ambiguous
            assert error.retry_after is not None and 0 < error.retry_after <= 1.0
        assert statuses(emulator) == Counter({200: 1})  # the others never reached Slack
        with database.read() as work:
            rows = work.session.execute(
                select(Delivery.status, Delivery.attempts, Delivery.next_attempt_at)
            ).all()
        kept = [(status, attempts) for status, attempts, _ in rows if status != "sent"]
        assert kept == [("failed", 0)] * 2  # no attempt used up, as after Slack's own 429
        reports = [first]
        while sum(r.sent for r in reports) < 3 and len(reports) < 5:
            fake.now += 1.0  # a turn's time passes between passes
            bot.clock.advance(timedelta(minutes=1))
            reports.append(bot.jobs.sweep())
        assert [r.sent for r in reports] == [1, 1, 1]
        assert statuses(emulator) == Counter({200: 3})
        assert sent_once(database, emulator)
    assert fake.sleeps["pacer"] == []  # never waited: each turn was too far, or now


def test_slacks_own_429_still_waits_and_keeps_the_channel_closed_for_its_retry_after(
    imported: Callable[[str], Database],
) -> None:
    text = consortium(members=3, meetings=2)
    database = imported(text)
    fake = FakeTime()
    # Slack limits the channel all the same (another instance posted): Retry-After 5 s,
    # longer than this client waits out in its thread.
    limits = SendLimits(rate_limit_retries=0, rate_limit_wait=0.0)
    with slack(text, fake.clock) as emulator:
        emulator.inject_fault("chat.postMessage", status=429, retry_after=5)
        pacer = ChannelPacer(clock=fake.clock, sleep=fake.sleeper("pacer"))
        bot = Bot(database, emulator, pacer, fake.sleeper("client"), limits)
        report = bot.jobs.sweep()
        # The outbox's Retry-After path as before: the refused one waits its 5 s.
        (refused,) = report.failures.values()
        assert (refused.code, refused.retry_after) == ("ratelimited", 5.0)
        # The other post to the channel waited those 5 s rather than meet a second 429.
        assert report.sent == 1 and statuses(emulator) == Counter({429: 1, 200: 1})
        assert fake.sleeps["pacer"] == [5.0]
        fake.now += 1.0
        bot.clock.advance(timedelta(minutes=1))
        assert bot.jobs.sweep().sent == 1
        assert sent_once(database, emulator)


def test_two_sweeps_at_once_keep_one_pace_in_their_channel(
    imported: Callable[[str], Database],
) -> None:
    """Real threads, real time: 20 posts a second, both sweeps sharing the process's pacer."""
    meetings = 10
    text = consortium(members=3, meetings=meetings)
    database = imported(text)
    pacer = ChannelPacer(interval=1 / 20)
    with slack(text, limit=(20.0, 1)) as emulator:
        bots = [Bot(database, emulator, pacer, time.sleep) for _ in range(2)]
        reports: list[SweepReport] = []
        assert run_at_once(2, lambda n: reports.append(bots[n].jobs.sweep())) == []
        assert sum(r.sent for r in reports) == meetings
        assert statuses(emulator) == Counter({200: meetings})
        assert sent_once(database, emulator)


def test_the_lease_outlasts_the_calls_of_a_step_and_a_wait_for_a_turn() -> None:
    limits = SendLimits(pace_wait=30.0)
    step = CALLS_PER_STEP * limits.longest_call() + limits.pace_wait
    check_lease(JobSettings(lease=timedelta(seconds=step + 1)), limits)
    with pytest.raises(ValueError, match="must outlast one step"):
        check_lease(JobSettings(lease=timedelta(seconds=step - 1)), limits)
