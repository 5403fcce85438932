"""Reminders delivered per second by one sweep, against the emulator's per-channel rate limit.

Real time throughout: `SlackEmulator` (in this process, real monotonic clock) with
`post_rate_limit=(1.0, burst)` for bursts 1 and 3 (and no limit, as the baseline), a real
`WebClient` from `make_web_client(settings)` (its RateLimitRetry sleeps Retry-After plus up to
0.25 s of jitter in the sending thread; the sleeps are summed as "slept s") and
`SlackDeliveryNotifier`, driven by `Jobs.sweep()` on a `FixedClock` at the reminder instant.
Each case has its own temporary SQLite file, undone (deliveries, next_reminder_at) between runs.

- dm: 200 members who all chose DM reminders and one meeting due now: 201 posts (its channel
  and 200 DMs). Each DM is its own channel, so no channel gets more than its burst and the
  limit should not bind: the ideal is the unlimited run's rate (median of --repeat runs).
- one channel: the worst case, N meetings of one channel due at once (N = 20, so a run takes
  about 20 s at 1/s; the rate stays Slack's 1/s rather than scaling it). The limit binds:
  the ideal is N posts in (N - burst) / rate seconds after the first.

delivered/s is posts over the sweep's wall time; "% ideal" is the ideal time over the actual
(for one channel, the first to the last accepted post, as the emulator saw them). 429s are the
emulator's answers. "once" checks that every delivery key in the outbox is sent and found in
exactly one posted message's metadata, and that no message has a key the outbox lacks.

    python bench/fanout.py [--quick] [--members 200] [--one-channel 20] [--bursts 1,3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import make_web_client  # noqa: E402
from bot.local.emulator import EmulatedChannel, EmulatedUser, SlackEmulator  # noqa: E402
from bot.reminders.notifier import SlackDeliveryNotifier  # noqa: E402
from bot.settings import Settings  # noqa: E402
from scheduling.clock import FixedClock  # noqa: E402
from scheduling.consortium.directory import DirectoryService  # noqa: E402
from scheduling.consortium.file import parse_consortium_text  # noqa: E402
from scheduling.consortium.importer import import_consortium  # noqa: E402
from scheduling.delivery.jobs import Jobs  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Delivery, Meeting, Member  # noqa: E402

RATE, CHANNEL = 1.0, "C0ANNOUNCE"
IMPORTED_AT = datetime(2024, 3, 1, tzinfo=UTC)
DUE_AT = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)  # reminders 1 h before 10:00 UTC


def consortium_text(members: int, meetings: int) -> str:
    """`members` members in Austria and `meetings` one-off webinars in one channel at 10:00."""
    lines = ["consortium:", "  name: Fanout bench", "  timezone: UTC"]
    lines += [f"  channels: {{announcements: {CHANNEL}}}", "countries:"]
    lines += ["  - {code: AT, name: Austria, role: core}", "members:"]
    lines += [f"  - {{slack_id: U{n:04d}, name: Member {n}, country: AT}}" for n in range(members)]
    lines.append("meetings:")
    for n in range(meetings):
        lines.append(
            f"  - {{id: w{n}, kind: webinar, title: Webinar {n}, start: 2024-03-05 10:00, "
            "duration: 60m, channel: announcements, audience: all, reminders: [1h]}"
        )
    return "\n".join(lines) + "\n"


@dataclass
class Run:
    """What one sweep did, as the sweep, the client and the emulator saw it."""

    posts: int
    failed: int
    limited: int
    seconds: float
    slept: float
    window: float  # first to last accepted chat.postMessage, by the emulator's clock
    per_channel: int  # most posts any one channel got
    once: bool


class Case:
    """A database for one shape of fan-out, and a sweep of it against the emulator."""

    def __init__(self, folder: str, name: str, members: int, meetings: int, dm: bool) -> None:
        self.database = Database.connect(f"sqlite:///{folder}/{name}.db")
        upgrade(self.database.engine)
        spec = parse_consortium_text(consortium_text(members, meetings))
        import_consortium(self.database, spec, FixedClock(IMPORTED_AT))
        if dm:  # as `set_reminder_delivery` does, for everyone in one statement
            with self.database.write() as work:
                session = work.session
                session.execute(update(Member).values(reminder_delivery="dm"))
        with self.database.read() as work:
            session = work.session
            self.saved = list(session.execute(select(Meeting.id, Meeting.next_reminder_at)))
        self.users = [EmulatedUser(m.slack_id, m.name, "UTC") for m in spec.members]

    def sweep(self, emulator: SlackEmulator, burst: int | None) -> Run:
        with self.database.write() as work:  # undo the previous run
            session = work.session
            session.execute(delete(Delivery))
            for meeting_id, next_at in self.saved:
                changed = update(Meeting).where(Meeting.id == meeting_id)
                session.execute(changed.values(next_reminder_at=next_at))
        emulator.reset()
        emulator.set_post_rate_limit(None if burst is None else RATE, burst or 1)
        settings = Settings(
            slack_bot_token="xoxb-bench",
            slack_signing_secret="x",
            slack_api_url=emulator.api_url,
            database_url=self.database.url,
        )
        waits: list[float] = []

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            time.sleep(seconds)

        directory = DirectoryService(self.database)
        client = make_web_client(settings, sleep=sleep)
        notifier = SlackDeliveryNotifier(client, directory, FixedClock(DUE_AT), settings.organizer)
        jobs = Jobs(self.database, FixedClock(DUE_AT), notifier, directory)
        began = time.perf_counter()
        report = jobs.sweep()
        seconds = time.perf_counter() - began
        calls = emulator.calls("chat.postMessage")
        accepted = [call.at for call in calls if call.status == 200]
        messages = emulator.messages()
        keys = Counter(
            str((m.metadata or {}).get("event_payload", {}).get("key")) for m in messages
        )
        with self.database.read() as work:
            session = work.session
            outbox = {
                key: status
                for key, status in session.execute(select(Delivery.key, Delivery.status))
            }
        once = all(s == "sent" for s in outbox.values()) and keys == Counter(outbox.keys())
        return Run(
            posts=report.sent,
            failed=report.failed,
            limited=sum(call.status == 429 for call in calls),
            seconds=seconds,
            slept=sum(waits),
            window=accepted[-1] - accepted[0] if accepted else 0.0,
            per_channel=max(Counter(m.channel for m in messages).values(), default=0),
            once=once and report.sent == len(messages),
        )


def row(label: str, limit: str, run: Run, ideal_rate: float | None, ideal_share: str) -> None:
    rate = run.posts / run.seconds
    ideal = "-" if ideal_rate is None else f"{ideal_rate:.2f}"
    print(
        f"  {label:<14} {limit:<10} {run.posts:>5} {run.failed:>6} {run.limited:>5} "
        f"{run.per_channel:>7} {run.seconds:>8.2f} {run.slept:>7.2f} {rate:>11.2f} {ideal:>8} "
        f"{ideal_share:>7}  {'yes' if run.once else 'NO'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one DM run each, 6 in one channel")
    parser.add_argument("--members", type=int, default=200, help="members who chose DMs")
    parser.add_argument("--one-channel", type=int, default=None, help="posts to one channel")
    parser.add_argument("--bursts", default="1,3", help="bursts to try, comma-separated")
    parser.add_argument("--repeat", type=int, default=None, help="DM runs per limit (default 3)")
    args = parser.parse_args()
    crowd = args.one_channel or (6 if args.quick else 20)
    repeat = args.repeat or (1 if args.quick else 3)
    bursts = [int(b) for b in args.bursts.split(",")]
    print(f"rate limit {RATE:g} post/s per channel; {args.members} members; one channel: {crowd}")
    print(
        f"  {'case':<14} {'limit':<10} {'posts':>5} {'failed':>6} {'429s':>5} {'max/ch':>7} "
        f"{'sweep s':>8} {'slept s':>7} {'delivered/s':>11} {'ideal/s':>8} {'% ideal':>7}  once"
    )
    with tempfile.TemporaryDirectory() as folder:
        dm = Case(folder, "dm", args.members, 1, dm=True)
        one = Case(folder, "one-channel", args.members, crowd, dm=False)
        channels = [EmulatedChannel(CHANNEL, "announcements")]
        with SlackEmulator(users=dm.users, channels=channels) as emulator:
            baseline: float | None = None
            for burst in [None, *bursts]:
                runs = sorted(
                    (dm.sweep(emulator, burst) for _ in range(repeat)), key=lambda r: r.seconds
                )
                run = runs[len(runs) // 2]
                run.once = all(r.once for r in runs)
                run.limited = sum(r.limited for r in runs)
                baseline = baseline or run.posts / run.seconds
                share = f"{run.posts / run.seconds / baseline:.0%}"
                limit = "none" if burst is None else f"1/s b={burst}"
                row("dm", limit, run, baseline, share)
            for burst in bursts:
                run = one.sweep(emulator, burst)
                ideal_window = max(0.0, (run.posts - burst) / RATE)
                ideal_rate = run.posts / ideal_window if ideal_window else None
                share = f"{ideal_window / run.window:.0%}" if run.window else "-"
                row("one channel", f"1/s b={burst}", run, ideal_rate, share)
        dm.database.dispose()
        one.database.dispose()
    print(
        "dm: ideal = the unlimited run (no channel gets more than its burst); 429s summed over "
        f"{repeat} run(s), the median run shown. one channel: ideal = {crowd} posts in "
        "(posts - burst) / rate s; % ideal = that time / first-to-last accepted post."
    )


if __name__ == "__main__":
    main()
