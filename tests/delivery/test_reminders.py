"""Reminders, RSVPs and digests through the real jobs and the emulator: on time across DST,
once, late only within the grace period, through 429s and 500s, and in place on RSVP."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.core import ids
from bot.local.render import render_message
from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.errors import NotAllowedError
from storage.models import Delivery
from tests.support import EXAMPLE_FILE, assert_pings_nobody, confirmed

JOUR_FIXE_CHANNEL = "C0JOURFIXE"
COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


def sweep_at(workspace: LocalWorkspace, clock: FixedClock, instant: datetime) -> None:
    clock.set(instant)
    workspace.jobs.sweep()
    workspace.executor.wait_idle()


def posts(workspace: LocalWorkspace, channel: str) -> list[dict[str, Any]]:
    return [
        c.params
        for c in workspace.emulator.calls("chat.postMessage")
        if c.params.get("channel") == channel and c.response.get("ok")
    ]


def is_digest(message: dict[str, Any]) -> bool:
    """A digest's part, by the delivery key in its metadata."""
    key = str(message.get("metadata", {}).get("event_payload", {}).get("key", ""))
    return key.startswith("digest:")


@pytest.mark.parametrize(
    ("remind_at", "meeting_utc"),
    [
        # Before the spring change: 10:00 CET is 09:00 UTC.
        (datetime(2026, 3, 4, 9, 0, tzinfo=UTC), "Thu 5 Mar 2026 10:00 CET"),
        (datetime(2026, 3, 5, 8, 0, tzinfo=UTC), "Thu 5 Mar 2026 10:00 CET"),
        # After it: 10:00 CEST is 08:00 UTC, and the reminders move with it.
        (datetime(2026, 4, 1, 8, 0, tzinfo=UTC), "Thu 2 Apr 2026 10:00 CEST"),
        (datetime(2026, 4, 2, 7, 0, tzinfo=UTC), "Thu 2 Apr 2026 10:00 CEST"),
    ],
)
def test_a_reminder_at_each_offset_across_a_dst_change(
    workspace: LocalWorkspace, clock: FixedClock, remind_at: datetime, meeting_utc: str
) -> None:
    sweep_at(workspace, clock, remind_at - timedelta(minutes=1))
    before = len(posts(workspace, JOUR_FIXE_CHANNEL))
    sweep_at(workspace, clock, remind_at)
    new = posts(workspace, JOUR_FIXE_CHANNEL)[before:]
    assert len(new) == 1
    shown = render_message(new[0]["text"], new[0]["blocks"], tz="Europe/Vienna")
    assert meeting_utc in shown
    assert [b["type"] for b in new[0]["blocks"]].count("actions") == 1
    assert new[0]["metadata"]["event_payload"]["key"].startswith("reminder:1:")
    assert_pings_nobody(new[0], "<https://zoom.example/j/jourfixe|")


def test_tick_twice_at_the_same_instant_sends_nothing_the_second_time(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    instant = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    sweep_at(workspace, clock, instant)
    first = len(workspace.emulator.calls("chat.postMessage"))
    sweep_at(workspace, clock, instant)
    assert len(workspace.emulator.calls("chat.postMessage")) == first


def test_a_bot_down_past_a_reminder_sends_it_late_only_within_the_grace(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    sweep_at(workspace, clock, datetime(2026, 3, 4, 9, 20, tzinfo=UTC))  # 20 min late: sent
    assert len(posts(workspace, JOUR_FIXE_CHANNEL)) == 1
    sweep_at(workspace, clock, datetime(2026, 3, 5, 8, 45, tzinfo=UTC))  # 45 min late: skipped
    assert len(posts(workspace, JOUR_FIXE_CHANNEL)) == 1
    with workspace.database.read() as work:
        session = work.session
        skipped = session.scalars(
            select(Delivery.key).where(
                Delivery.status == "skipped", Delivery.key.like("reminder:1:%")
            )
        ).all()
    assert skipped == ["reminder:1:20260305T0900Z:60m:C0JOURFIXE"]


def test_a_cancelled_occurrence_sends_no_reminder_and_a_moved_one_is_reminded_at_its_new_time(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    workspace.command(COORDINATOR, "/meeting cancel 1 on 2026-03-05")
    # Good Friday 2026, a public holiday in several core countries: Confirm is pressed.
    confirmed(workspace, COORDINATOR, "/meeting move 1 2026-04-02 to 2026-04-03 at 11:00")
    before = len(posts(workspace, JOUR_FIXE_CHANNEL))  # the two announcement cards
    for instant in (datetime(2026, 3, 4, 9, 0, tzinfo=UTC), datetime(2026, 3, 5, 8, 0, tzinfo=UTC)):
        sweep_at(workspace, clock, instant)
    assert len(posts(workspace, JOUR_FIXE_CHANNEL)) == before
    sweep_at(workspace, clock, datetime(2026, 4, 1, 8, 0, tzinfo=UTC))  # the old time: nothing
    assert len(posts(workspace, JOUR_FIXE_CHANNEL)) == before
    sweep_at(workspace, clock, datetime(2026, 4, 2, 9, 0, tzinfo=UTC))  # 1 day before 11:00 CEST
    (moved,) = posts(workspace, JOUR_FIXE_CHANNEL)[before:]
    assert "Fri 3 Apr 2026 11:00 CEST" in render_message(
        moved["text"], moved["blocks"], tz="Europe/Vienna"
    )


def _rsvp_value(post: dict[str, Any]) -> str:
    return next(e["value"] for b in post["blocks"] if b["type"] == "actions" for e in b["elements"])


def test_rsvp_replaces_the_answer_and_updates_the_message_with_counts_by_country(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    sweep_at(workspace, clock, datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    (reminder,) = posts(workspace, JOUR_FIXE_CHANNEL)
    value = _rsvp_value(reminder)
    workspace.click(PORTUGUESE, ids.RSVP_ACTIONS["maybe"], value, channel_id=JOUR_FIXE_CHANNEL)
    workspace.click(PORTUGUESE, ids.RSVP_ACTIONS["going"], value, channel_id=JOUR_FIXE_CHANNEL)
    updated = workspace.click(
        "U0FI", ids.RSVP_ACTIONS["not_going"], value, channel_id=JOUR_FIXE_CHANNEL
    )
    (redraw,) = [c.params for c in updated.calls if c.method == "chat.update"]
    shown = render_message(redraw["text"], redraw["blocks"])
    assert "Going: 1 · Not going: 1 · Maybe: 0" in shown
    assert "Finland 0/1/0; Portugal 1/0/0" in shown
    who = workspace.command(COORDINATOR, "/meeting who 1 on 2026-03-05")
    table = render_message(who.ack_text, who.ack["blocks"])  # type: ignore[index]
    assert "*Portugal* — Going: Portuguese partner" in table
    assert "*Türkiye* — No answer: Turkish partner" in table


def test_reminders_by_dm_for_members_who_ask(workspace: LocalWorkspace, clock: FixedClock) -> None:
    answer = workspace.command(PORTUGUESE, "/consortium remind me dm")
    assert answer.ack_text == "From now on your meeting reminders come as direct messages."
    sweep_at(workspace, clock, datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    assert len(posts(workspace, PORTUGUESE)) == 1
    assert len(posts(workspace, JOUR_FIXE_CHANNEL)) == 1


def test_429_and_500_at_the_emulator_lose_and_double_nothing(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    workspace.emulator.inject_fault("chat.postMessage", status=429, retry_after=7, times=2)
    sweep_at(workspace, clock, datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    assert len(posts(workspace, JOUR_FIXE_CHANNEL)) == 1
    assert [round(w) for w in workspace.waits[:2]] == [7, 7]
    # A 500 may come after Slack stored the post: the client does not post it again.
    workspace.emulator.inject_fault("chat.postMessage", status=500, retry_after=None)
    sweep_at(workspace, clock, datetime(2026, 3, 5, 8, 0, tzinfo=UTC))
    assert len(posts(workspace, JOUR_FIXE_CHANNEL)) == 1
    coordinator = workspace.services.directory.profile(COORDINATOR)
    assert coordinator is not None
    status = workspace.jobs.status(coordinator)
    assert status.counts.get("failed") == 1
    assert status.problems[0][2] == "http_500 (attempt 1, outcome unknown)"
    # The next sweep asks Slack first, finds nothing, and posts it.
    histories = len(workspace.emulator.calls("conversations.history"))
    sweep_at(workspace, clock, datetime(2026, 3, 5, 8, 5, tzinfo=UTC))
    assert len(workspace.emulator.calls("conversations.history")) == histories + 1
    assert len(posts(workspace, JOUR_FIXE_CHANNEL)) == 2
    keys = [p["metadata"]["event_payload"]["key"] for p in posts(workspace, JOUR_FIXE_CHANNEL)]
    assert len(set(keys)) == 2


def test_status_shows_the_last_sweep_and_the_next_digest(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    sweep_at(workspace, clock, datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    exchange = workspace.command(COORDINATOR, "/consortium status")
    shown = render_message(exchange.ack_text, exchange.ack["blocks"])  # type: ignore[index]
    assert "*Last reminder sweep:* 2026-03-04 09:00 UTC (1 sent" in shown
    assert "*Next digest:* Mon 2026-03-09 09:00 CET" in shown
    assert "Only coordinators" in workspace.command(PORTUGUESE, "/consortium status").ack_text


# -- the digest ---------------------------------------------------------------------------------


def test_the_monday_digest_posts_once_with_updates_meetings_rounds_and_changes(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    workspace.command(PORTUGUESE, "/update The <!channel> platform went live")
    workspace.command(COORDINATOR, '/round open "Spring call" due 2026-03-20 for PT FI')
    workspace.command(COORDINATOR, "/meeting cancel 1 on 2026-04-02")
    clock.set(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))  # Monday 09:00 CET
    assert "1 sent" in workspace.jobs.digest().summary()
    workspace.executor.wait_idle()
    assert "0 sent" in workspace.jobs.digest().summary()  # same week: once
    (digest,) = [p for p in posts(workspace, "C0ANNOUNCE") if is_digest(p)]
    assert_pings_nobody(digest, "<https://slack.com/archives/")
    shown = render_message(digest["text"], digest["blocks"], tz="Europe/Vienna")
    assert "Portugal" in shown and "platform went live" in shown
    assert "Jour fixe of the core countries" in shown
    assert "*Spring call* · due Fri 20 Mar · missing Finland, Portugal" in shown
    assert "Cancelled: *Jour fixe of the core countries* (#1), the meeting of Thu 2 Apr" in shown


def test_a_quiet_week_says_so_in_one_line(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.yaml"
    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    quiet.write_text(text[: text.index("meetings:")], encoding="utf-8")
    clock = FixedClock(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    with LocalWorkspace.open(f"sqlite:///{tmp_path / 'q.db'}", quiet, clock) as workspace:
        preview = workspace.command("U0PT", "/digest preview")
        assert preview.ack_text == "A quiet week: no meetings, rounds or updates to report."


def test_a_digest_of_15_countries_with_long_updates_posts_without_slack_errors(
    tmp_path: Path,
) -> None:
    codes = [
        "AT",
        "CZ",
        "FI",
        "FR",
        "GR",
        "HU",
        "IT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "TR",
        "BG",
        "DK",
    ]
    text = EXAMPLE_FILE.read_text(encoding="utf-8").replace(
        "  - {code: BG, name: Bulgaria, role: supporting}",
        "  - {code: BG, name: Bulgaria, role: supporting}\n  - {code: DK, name: Denmark, role: supporting}",
    )
    members = "\n".join(
        f"  - {{slack_id: U1{c}, name: Partner {c}, country: {c}, roles: [partner]}}" for c in codes
    )
    text = text.replace("\nmeetings:", f"\n{members}\nmeetings:")
    big = tmp_path / "big.yaml"
    big.write_text(text, encoding="utf-8")
    clock = FixedClock(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    with LocalWorkspace.open(f"sqlite:///{tmp_path / 'b.db'}", big, clock) as workspace:
        for code in codes:
            for n in range(12):
                line = f"/update {code} news {n}: " + ("long text & <more> " * 250)[:2900]
                assert workspace.command(f"U1{code}", line).status == 200
        clock.set(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
        workspace.command("U0COORD1", "/digest now")
        workspace.executor.wait_idle()
        calls = [c for c in workspace.emulator.calls("chat.postMessage") if is_digest(c.params)]
        assert all(c.response["ok"] for c in calls)
        assert all(len(c.params["blocks"]) <= 50 for c in calls)
        assert all(c.params.get("thread_ts") == calls[0].response["ts"] for c in calls[1:])
        shown = "".join(json.dumps(c.params["blocks"]) for c in calls)
        assert all(f"Partner {c}" not in shown for c in codes)  # first lines, not authors
        assert shown.count("news 3") == 15


def test_digest_pages_respect_slack_limits_by_construction() -> None:
    from bot.reminders.digest_blocks import digest_messages
    from scheduling.consortium.directory import CountryRef
    from scheduling.delivery.notices import Digest
    from scheduling.updates.views import UpdateLine

    now = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)
    countries = [CountryRef(f"A{chr(65 + i)}", f"Country {i}", "core") for i in range(15)]
    updates = tuple(
        (
            country,
            tuple(
                UpdateLine(
                    id=n,
                    country=country,
                    first_line=f"{n} " + "<!channel> & long " * 400,
                    posted_channel="C1",
                    posted_ts=f"{n}.000100",
                )
                for n in range(40)
            ),
        )
        for country in countries
    )
    digest = Digest("C", "Europe/Vienna", now - timedelta(days=7), now, updates, (), (), ())
    pages = digest_messages(digest)
    assert len(pages) > 1
    for page in pages:
        assert 0 < len(page.blocks) <= 50
        assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in page.blocks)
        assert_pings_nobody(
            {"text": page.text, "blocks": page.blocks}, "<https://slack.com/archives/"
        )


def test_the_jobs_themselves_refuse_status_and_digest_now_to_partners(
    workspace: LocalWorkspace,
) -> None:
    partner = workspace.services.directory.profile(PORTUGUESE)
    assert partner is not None
    with pytest.raises(NotAllowedError, match="Only coordinators can see the bot's status"):
        workspace.jobs.status(partner)
    with pytest.raises(NotAllowedError, match="Only coordinators can post the digest"):
        workspace.jobs.digest_now(partner)
    assert workspace.emulator.calls("chat.postMessage") == []
