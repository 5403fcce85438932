"""Exactly once under faults, for every kind of message the bot sends on its own: reminders
(in a channel and by DM), a digest of several parts, a meeting's announcement (its card and
its calendar file), a round's requests and an update's card. Each meets, at each step of its send, a
connection dropped after Slack stored the post, an answer after the client's timeout, a 5xx
or an `internal_error` after the post, a Retry-After longer than a claim's lease, a sender
that dies there, and two senders at once; on SQLite and PostgreSQL, through the emulator
over HTTP. Every message ends up posted once: none twice, none lost."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.core.web_api.retries import SendLimits
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.consortium.file import load_consortium_file
from scheduling.consortium.importer import import_consortium
from scheduling.delivery.deliverer import SweepReport
from scheduling.meetings.service import ScheduleRequest
from scheduling.vocabulary import MeetingKind
from storage.db import Database
from storage.models import CountryUpdate, Delivery
from storage.repositories.deliveries import DeliveryStatus
from tests.support import EXAMPLE_FILE

COORDINATOR = "U0COORD1"
# Bounds short enough that an answer 2 s late is past the client's timeout (with room for a
# slow machine's ordinary calls), and no Retry-After is waited out in the thread.
LIMITS = SendLimits(timeout=1.0, retries=2, rate_limit_retries=0, rate_limit_wait=0.0)
LEASE = timedelta(minutes=10)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def workspace(database: Database, clock: FixedClock) -> Iterator[LocalWorkspace]:
    """The example consortium on each backend, its Web API calls within LIMITS."""
    spec = load_consortium_file(EXAMPLE_FILE)
    report = import_consortium(database, spec, clock)
    with LocalWorkspace.on(database, spec, clock, report, limits=LIMITS) as workspace:
        yield workspace


# -- the four kinds of message, each made due (or queued) and sent as the bot would ------------


@dataclass(frozen=True)
class Kind:
    name: str
    prepare: Callable[[LocalWorkspace, FixedClock], list[str]]  # the keys it will send
    send: Callable[[LocalWorkspace, list[str]], object]
    parts: tuple[str, ...]  # the Web API method that posts each part


def reminders_due(workspace: LocalWorkspace, clock: FixedClock) -> list[str]:
    workspace.services.directory.set_reminder_delivery("U0PT", "dm")
    clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))  # the jour fixe's "1d" reminder
    return []


def digest_due(workspace: LocalWorkspace, clock: FixedClock) -> list[str]:
    """Enough country updates this week for a digest of several messages."""
    with workspace.database.write() as work:
        for n in range(700):
            at = datetime(2026, 3, 3, 10, 0, tzinfo=UTC) + timedelta(minutes=n)
            work.session.add(
                CountryUpdate(
                    country_code=("PT", "FI", "TR", "GR", "PL")[n % 5],
                    author_id="U0PT",
                    note=f"Update {n}: " + "a long first line about the pilot cities " * 6,
                    created_at=at,
                    updated_at=at,
                )
            )
    clock.set(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))  # Monday 09:00 in Vienna
    return []


def announcement_queued(workspace: LocalWorkspace, clock: FixedClock) -> list[str]:
    coordinator = workspace.services.directory.profile(COORDINATOR)
    assert coordinator is not None
    request = ScheduleRequest(
        kind=MeetingKind.WEBINAR,
        title="Funding webinar",
        rrule=None,
        first_date=datetime(2026, 4, 16).date(),
        explicit_from=False,
        at=time(14, 0),
        duration_minutes=60,
        timezone="Europe/Vienna",
        channel="announcements",
    )
    change = workspace.services.meetings.schedule(coordinator, request)
    assert change.announcement is not None
    return [change.announcement]


def requests_queued(workspace: LocalWorkspace, clock: FixedClock) -> list[str]:
    coordinator = workspace.services.directory.profile(COORDINATOR)
    assert coordinator is not None
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # a Monday: no DM waits (quiet hours)
    opened = workspace.services.rounds.open(
        coordinator, "Spring call", datetime(2026, 3, 20).date(), ["PT", "FI"]
    )
    return [key for request in opened.countries for key in request.keys]


def card_queued(workspace: LocalWorkspace, clock: FixedClock) -> list[str]:
    partner = workspace.services.directory.profile("U0PT")
    assert partner is not None
    published = workspace.services.updates.note(partner, "The pilot in Porto went live")
    assert published.card is not None
    return [published.card]


REMINDERS = Kind("reminders", reminders_due, lambda w, _: w.jobs.sweep(), ("chat.postMessage",))
DIGEST = Kind(
    "digest", digest_due, lambda w, _: w.jobs.digest(), ("chat.postMessage", "chat.postMessage")
)
ANNOUNCEMENT = Kind(
    "announcement",
    announcement_queued,
    lambda w, keys: w.jobs.dispatch(keys),
    ("chat.postMessage", "files.completeUploadExternal"),
)
REQUESTS = Kind(
    "round requests", requests_queued, lambda w, keys: w.jobs.dispatch(keys), ("chat.postMessage",)
)
CARD = Kind(
    "update card", card_queued, lambda w, keys: w.jobs.dispatch(keys), ("chat.postMessage",)
)
KINDS = (REMINDERS, DIGEST, ANNOUNCEMENT, REQUESTS, CARD)
# Each part of each kind: (kind, part, method, calls of that method to let through first).
STEPS = [
    pytest.param(
        kind, part, method, kind.parts[:part].count(method), id=f"{kind.name}-part{part + 1}"
    )
    for kind in KINDS
    for part, method in enumerate(kind.parts)
]


# -- what Slack ended up with ---------------------------------------------------------------------


def sent_rows(database: Database) -> list[Delivery]:
    with database.read() as work:
        rows = list(work.session.scalars(select(Delivery).order_by(Delivery.id)))
        work.session.expunge_all()
        return rows


def assert_each_message_posted_once(workspace: LocalWorkspace) -> None:
    """Every delivery is sent, each of its parts is in Slack once, and nothing else is."""
    posted: Counter[str] = Counter()
    for message in workspace.emulator.messages():
        if message.metadata:
            posted[message.metadata["event_payload"]["key"]] += 1
    duplicated = {key: n for key, n in posted.items() if n > 1}
    assert not duplicated, f"posted more than once: {duplicated}"
    # (A reminder the example's history makes too late is recorded as skipped, not sent.)
    rows = [r for r in sent_rows(workspace.database) if r.status != DeliveryStatus.SKIPPED]
    assert rows, "nothing was delivered at all"
    unsent = {r.key: (r.status, r.error) for r in rows if r.status != DeliveryStatus.SENT}
    assert not unsent, f"not sent: {unsent}"
    for row in rows:
        assert posted[row.key] == 1, f"{row.key} is not in Slack"
        part_keys = [k for k in posted if k.startswith(f"{row.key}#")]
        numbers = sorted(int(k.rsplit("#", 1)[1]) for k in part_keys)
        assert numbers == list(range(2, len(numbers) + 2)), f"{row.key}: parts {numbers}"
        if row.kind == "digest":
            assert numbers, "the digest was meant to have several parts"
        if row.kind == "invite":
            files = [f for f in workspace.emulator.files() if f.thread_ts == row.slack_ts]
            assert len(files) == 1, f"{row.key}: {len(files)} calendar files in its thread"
        if row.kind == "card":  # an edit must find the one card to refresh
            update = workspace.services.updates.get(row.payload["update"])
            assert (update.posted_channel, update.posted_ts) == (row.slack_channel, row.slack_ts)
    assert {k.split("#")[0] for k in posted} <= {r.key for r in rows}


def later(workspace: LocalWorkspace, clock: FixedClock, minutes: float) -> None:
    """The next sweep, `minutes` on: it retries what failed and what a dead sender left."""
    clock.advance(timedelta(minutes=minutes))
    workspace.jobs.sweep()


# -- faults at each step ----------------------------------------------------------------------------


FAULTS = {
    "dropped after Slack stored it": lambda e, m, s: e.drop_connection(m, processed=True, skip=s),
    "answered after the timeout": lambda e, m, s: e.delay_answer(m, 2.0, skip=s),
    "500 after Slack stored it": lambda e, m, s: e.inject_fault(
        m, status=500, retry_after=None, processed=True, skip=s
    ),
    "internal_error after Slack stored it": lambda e, m, s: e.inject_fault(
        m, status=200, error="internal_error", processed=True, skip=s
    ),
    "dropped before Slack saw it": lambda e, m, s: e.drop_connection(m, processed=False, skip=s),
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(("kind", "part", "method", "skip"), STEPS)
def test_a_failure_of_unknown_outcome_is_looked_up_before_it_is_sent_again(
    workspace: LocalWorkspace,
    clock: FixedClock,
    kind: Kind,
    part: int,
    method: str,
    skip: int,
    fault: str,
) -> None:
    keys = kind.prepare(workspace, clock)
    FAULTS[fault](workspace.emulator, method, skip)
    kind.send(workspace, keys)
    failed = [r for r in sent_rows(workspace.database) if r.status == DeliveryStatus.FAILED]
    assert failed and all(r.in_doubt for r in failed), [(r.key, r.error) for r in failed]
    assert all("outcome unknown" in (r.error or "") for r in failed)
    later(workspace, clock, 2)
    assert_each_message_posted_once(workspace)


@pytest.mark.parametrize(("kind", "part", "method", "skip"), STEPS)
def test_a_retry_after_longer_than_the_lease_is_waited_out_without_a_second_sender(
    workspace: LocalWorkspace, clock: FixedClock, kind: Kind, part: int, method: str, skip: int
) -> None:
    keys = kind.prepare(workspace, clock)
    workspace.emulator.inject_fault(method, status=429, retry_after=900, skip=skip)
    kind.send(workspace, keys)
    (failed,) = [r for r in sent_rows(workspace.database) if r.status == DeliveryStatus.FAILED]
    assert failed.error.startswith("ratelimited") and not failed.in_doubt
    posts_before = len(workspace.emulator.messages())
    later(workspace, clock, 11)  # past the lease, not past Retry-After: nobody sends it
    assert len(workspace.emulator.messages()) == posts_before
    later(workspace, clock, 5)  # 16 minutes on: past Retry-After
    assert_each_message_posted_once(workspace)


@pytest.mark.parametrize("processed", [False, True], ids=["before Slack saw it", "after"])
@pytest.mark.parametrize(("kind", "part", "method", "skip"), STEPS)
def test_a_sender_that_dies_at_any_step_leaves_nothing_lost_or_doubled(
    workspace: LocalWorkspace,
    clock: FixedClock,
    kind: Kind,
    part: int,
    method: str,
    skip: int,
    processed: bool,
) -> None:
    keys = kind.prepare(workspace, clock)
    hold = workspace.emulator.hold_calls(method, processed=processed, skip=skip)
    sender = threading.Thread(target=kind.send, args=(workspace, keys), daemon=True)
    sender.start()
    hold.wait_until_held()
    # The sender is stuck at that step; as far as the database can tell, it died there.
    later(workspace, clock, LEASE.total_seconds() / 60 + 1)
    assert_each_message_posted_once(workspace)
    # If it was not dead after all, it wakes to a claim that is no longer its own.
    hold.release(drop=True)
    sender.join(timeout=10)
    assert not sender.is_alive()
    assert_each_message_posted_once(workspace)


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_two_senders_at_once_send_each_message_once(
    workspace: LocalWorkspace, clock: FixedClock, kind: Kind
) -> None:
    keys = kind.prepare(workspace, clock)
    start = threading.Barrier(2)

    def send() -> None:
        start.wait()
        kind.send(workspace, keys)

    senders = [threading.Thread(target=send) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=30)
    workspace.jobs.sweep()  # whatever one of them found queued or in flight
    assert_each_message_posted_once(workspace)


def test_the_client_never_posts_again_after_an_unknown_outcome_but_retries_reads(
    workspace: LocalWorkspace,
) -> None:
    emulator, client = workspace.emulator, workspace.client
    emulator.drop_connection("chat.postMessage", processed=True)
    with pytest.raises(OSError):
        client.chat_postMessage(channel="C0ANNOUNCE", text="once")
    emulator.inject_fault("chat.postMessage", status=503, retry_after=None, processed=True)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0ANNOUNCE", text="twice?")
    assert len(emulator.calls("chat.postMessage")) == 2
    assert [m.text for m in emulator.messages("C0ANNOUNCE")] == ["once", "twice?"]
    # A read may be asked again: the same faults are retried and get through.
    emulator.drop_connection("conversations.history", processed=True)
    emulator.inject_fault("conversations.history", status=503, retry_after=None)
    assert client.conversations_history(channel="C0ANNOUNCE")["ok"]


# -- what a review found ----------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "part", "method", "skip"), STEPS)
def test_a_look_up_that_is_refused_keeps_the_message_in_doubt(
    workspace: LocalWorkspace, clock: FixedClock, kind: Kind, part: int, method: str, skip: int
) -> None:
    keys = kind.prepare(workspace, clock)
    FAULTS["500 after Slack stored it"](workspace.emulator, method, skip)
    kind.send(workspace, keys)
    # The look-up itself is rate limited: the message stays in doubt, and is looked for again.
    lookup = "conversations.history" if part == 0 else "conversations.replies"
    workspace.emulator.inject_fault(lookup, status=429, retry_after=30)
    later(workspace, clock, 2)
    (failed,) = [r for r in sent_rows(workspace.database) if r.status == DeliveryStatus.FAILED]
    assert failed.in_doubt
    later(workspace, clock, 1)
    assert_each_message_posted_once(workspace)


def test_a_live_senders_claim_is_not_given_up_under_it(workspace: LocalWorkspace) -> None:
    (key,) = card_queued(workspace, workspace.clock)  # type: ignore[arg-type]
    deliverer = workspace.jobs.deliverer
    now = workspace.clock.now()
    with workspace.database.write() as work:
        claim = work.deliveries.take(key, now, LEASE)
    assert claim is not None
    report = SweepReport()
    deliverer.give_up(key, "the update is gone", report)
    assert report.skipped == 0
    with workspace.database.write() as work:
        assert work.deliveries.mark_sent(claim, "C0ANNOUNCE", "1.000001", now)


def test_the_rest_of_a_digest_goes_out_as_it_was_made_not_as_it_would_be_now(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    digest_due(workspace, clock)
    hold = workspace.emulator.hold_calls("chat.postMessage", processed=False, skip=1)
    sender = threading.Thread(target=workspace.jobs.digest, daemon=True)
    sender.start()
    hold.wait_until_held()
    (row,) = [r for r in sent_rows(workspace.database) if r.kind == "digest"]
    kept = row.payload["frozen"]["parts"]
    with workspace.database.write() as work:  # the week goes on meanwhile
        at = clock.now() - timedelta(hours=1)
        for n in range(300):
            work.session.add(
                CountryUpdate(country_code="FI", author_id="U0FI", note=f"Late news {n}",
                              created_at=at, updated_at=at)
            )  # fmt: skip
    later(workspace, clock, LEASE.total_seconds() / 60 + 1)
    hold.release(drop=True)
    sender.join(timeout=10)
    assert_each_message_posted_once(workspace)
    thread = [m for m in workspace.emulator.messages("C0ANNOUNCE") if m.thread_ts == row.slack_ts]
    assert [m.blocks for m in thread] == [part["blocks"] for part in kept[1:]]


def test_a_pending_delivery_that_cannot_be_handled_holds_up_nothing_else(
    workspace: LocalWorkspace, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    with workspace.database.write() as work:
        work.deliveries.enqueue(
            "digest:C0ANNOUNCE:broken", kind="digest", channel="C0ANNOUNCE",
            now=clock.now() - timedelta(minutes=1), payload={"since": "not a date"},
        )  # fmt: skip
    (key,) = card_queued(workspace, clock)
    workspace.jobs.sweep()
    assert "digest:C0ANNOUNCE:broken could not be handled" in caplog.text
    assert [r.status for r in sent_rows(workspace.database) if r.key == key] == ["sent"]


def test_slack_asking_to_wait_uses_up_no_try(workspace: LocalWorkspace, clock: FixedClock) -> None:
    (key,) = card_queued(workspace, clock)
    workspace.emulator.inject_fault("chat.postMessage", status=429, retry_after=30, times=10)
    for _ in range(10):
        workspace.jobs.sweep()
        clock.advance(timedelta(seconds=31))
    workspace.jobs.sweep()
    (row,) = [r for r in sent_rows(workspace.database) if r.key == key]
    assert row.status == DeliveryStatus.SENT and row.attempts == 1
    assert_each_message_posted_once(workspace)
