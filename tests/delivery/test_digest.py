"""The weekly digest as its readers get it, through the real jobs, the signed commands and the
emulator: the import is never news, what changed since is news once, rounds say overdue in
days (with the year when it differs), RSVP totals count the unanswered, countries nobody
speaks for are named, the summary line is the notification, and the digest by DM is opt-in,
exactly once, retried and personal; within Slack's limits at 100x the consortium."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core import ids
from bot.local.render import render_message
from bot.local.workspace import LocalWorkspace
from bot.reminders.blocks import rsvp_value
from bot.reminders.digest_blocks import QUIET, digest_messages, summary_line
from scheduling.clock import FixedClock
from scheduling.consortium.directory import CountryRef
from scheduling.delivery.notices import (
    ChangeKind,
    Digest,
    OpenRound,
    ScheduleChange,
    UpcomingMeeting,
)
from scheduling.meetings.occurrences import Series, occurrences
from scheduling.meetings.rsvp import RsvpSummary, RsvpTotals
from scheduling.updates.views import RoundView, UpdateLine
from scheduling.vocabulary import Audience, CountryRole, MeetingKind, RsvpAnswer
from tests.support import EXAMPLE_FILE, OpenWorkspace, assert_pings_nobody

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
FINNISH = "U0FI"
ANNOUNCE = "C0ANNOUNCE"
IMPORTED = datetime(2024, 1, 8, 7, 0, tzinfo=UTC)  # the file is imported on a Monday morning
FIRST_MONDAY = datetime(2024, 1, 8, 8, 0, tzinfo=UTC)  # 09:00 in Vienna: the digest is due
NEXT_MONDAY = FIRST_MONDAY + timedelta(weeks=1)
UNLISTED = "no member listed for Czech Republic, France, Hungary, Italy, Netherlands"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(IMPORTED)


def digests(workspace: LocalWorkspace, channel: str) -> list[dict[str, Any]]:
    """The digest parts posted (ok) to a channel or a member's DM, in order."""
    found = []
    for call in workspace.emulator.calls("chat.postMessage"):
        key = str(call.params.get("metadata", {}).get("event_payload", {}).get("key", ""))
        ours = call.params.get("channel") == channel and key.startswith("digest:")
        if ours and call.response.get("ok"):
            found.append(call.params)
    return found


def digest_at(workspace: LocalWorkspace, clock: FixedClock, instant: datetime) -> str:
    """Run the jobs at `instant` as the scheduler would; what the run reported."""
    clock.set(instant)
    summary = workspace.jobs.tick()
    workspace.executor.wait_idle()
    return summary


def shown(message: dict[str, Any]) -> str:
    return render_message(message["text"], message["blocks"], tz="Europe/Vienna")


# -- the import is the baseline; what changes after it is news, once ------------------------


def test_the_first_monday_digest_of_the_example_file_lists_nothing_it_imported_as_new(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    digest_at(workspace, clock, FIRST_MONDAY)
    (digest,) = digests(workspace, ANNOUNCE)
    text = shown(digest)
    assert "New in the schedule" not in text
    assert "New:" not in text and "2023" not in text.split("*Open rounds*")[0]
    assert "Core team meeting" in text  # still listed among the next 14 days
    assert_pings_nobody(digest)


def test_a_meeting_scheduled_after_the_import_is_new_in_the_next_digest_and_not_after(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(IMPORTED + timedelta(minutes=30))
    line = '/meeting schedule webinar "Spring webinar" on 15 Feb 2024 at 2pm for 90 min'
    assert workspace.command(COORDINATOR, line).status == 200
    workspace.command(COORDINATOR, "/meeting cancel 1 on 1 Feb 2024")
    workspace.executor.wait_idle()
    digest_at(workspace, clock, FIRST_MONDAY)
    (first,) = digests(workspace, ANNOUNCE)
    text = shown(first)
    assert "*New in the schedule*" in text
    assert "New: *Spring webinar* (#7), Thu 15 Feb" in text
    assert "Cancelled: *Jour fixe of the core countries* (#1), the meeting of Thu 1 Feb" in text
    assert "2 changes to the schedule" in first["text"]
    digest_at(workspace, clock, NEXT_MONDAY)
    second = digests(workspace, ANNOUNCE)[-1]
    assert second is not first
    assert "Spring webinar" not in shown(second).split("*Open rounds*")[1]
    assert "New in the schedule" not in shown(second)


# -- rounds, RSVPs, the summary ------------------------------------------------------------------


def test_an_overdue_round_says_so_in_days_with_its_year_and_names_countries_nobody_speaks_for(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(IMPORTED + timedelta(minutes=10))
    workspace.command(COORDINATOR, '/round open "Spring call" due 19 Jan 2024 for PT FI')
    digest_at(workspace, clock, FIRST_MONDAY)
    (digest,) = digests(workspace, ANNOUNCE)
    text = shown(digest)
    assert (
        "*Annual Action Plan update 2024* · overdue by 59 days (due Fri 10 Nov 2023) · "
        "missing Austria, Czech Republic," in text
    )
    assert f"Türkiye; {UNLISTED} in the consortium file" in text
    assert "*Spring call* · due Fri 19 Jan · missing Finland, Portugal" in text  # no year


def test_rsvp_totals_count_who_has_not_answered(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    going = rsvp_value(2, datetime(2024, 1, 11, 10, 0), 1440)  # the online consortium meeting
    workspace.click(PORTUGUESE, ids.RSVP_ACTIONS["going"], going, channel_id=ANNOUNCE)
    workspace.click(FINNISH, ids.RSVP_ACTIONS["maybe"], going, channel_id=ANNOUNCE)
    workspace.executor.wait_idle()
    digest_at(workspace, clock, FIRST_MONDAY)
    text = shown(digests(workspace, ANNOUNCE)[0])
    # Everyone is invited to the consortium meeting (10 members); the core team is the two
    # coordinators and the WP lead.
    assert "*Online consortium meeting* (#2) · 1 going · 0 not going · 1 maybe · 8 no answer" in (
        text
    )
    assert "(#3) · 0 going · 0 not going · 0 maybe · 3 no answer" in text


def test_the_summary_line_tops_the_digest_and_is_its_notification_text(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    clock.set(IMPORTED + timedelta(minutes=10))
    workspace.command(COORDINATOR, '/round open "Spring call" due 12 Jan 2024 for PT FI')
    workspace.command(PORTUGUESE, "/update The platform went live")
    workspace.executor.wait_idle()
    digest_at(workspace, clock, FIRST_MONDAY)
    (digest,) = digests(workspace, ANNOUNCE)
    summary = "2 meetings this week, 1 round overdue, 1 round due Friday, 1 new update"
    assert digest["text"] == summary
    assert digest["blocks"][0]["text"]["text"] == "CapaCITIES: weekly digest"
    assert digest["blocks"][1]["text"]["text"] == summary


@pytest.mark.parametrize("invited", [["U1", "U2", "U2", "U3"], frozenset({"U1", "U2", "U3"})])
def test_no_answer_counts_each_invited_member_once_and_not_those_who_answered_uninvited(
    invited: Any,
) -> None:
    summary = RsvpSummary(
        {"AT": {RsvpAnswer.GOING: 1}, "FI": {RsvpAnswer.MAYBE: 1}},
        {"U1": RsvpAnswer.GOING, "U9": RsvpAnswer.MAYBE},
    )
    assert RsvpTotals.of(summary, invited) == RsvpTotals(1, 0, 1, 2)


def _round(due: date, title: str = "Call") -> RoundView:
    return RoundView(1, title, date(2024, 1, 1), due, Audience.ALL, (), False)


AT = CountryRef("AT", "Austria", CountryRole.CORE)
MONDAY = datetime(2024, 1, 8, 8, 0, tzinfo=UTC)


def _digest(**parts: Any) -> Digest:
    empty: dict[str, Any] = {"updates": (), "upcoming": (), "rounds": (), "changes": ()}
    return Digest("C", "Europe/Vienna", MONDAY - timedelta(days=7), MONDAY, **(empty | parts))


@pytest.mark.parametrize(
    ("rounds", "expected"),
    [
        ((OpenRound(_round(date(2024, 1, 12)), (AT,)),), "1 round due Friday"),
        ((OpenRound(_round(date(2024, 1, 8)), (AT,)),), "1 round due today"),
        ((OpenRound(_round(date(2024, 1, 9)), (AT,)),), "1 round due tomorrow"),
        (
            (
                OpenRound(_round(date(2024, 1, 10)), (AT,)),
                OpenRound(_round(date(2024, 1, 12)), (AT,)),
            ),
            "2 rounds due by Friday",
        ),
        (
            (
                OpenRound(_round(date(2023, 12, 1)), (AT,)),
                OpenRound(_round(date(2024, 3, 1)), (AT,)),
            ),
            "1 round overdue, 1 other round open",
        ),
        ((OpenRound(_round(date(2024, 3, 1)), ()),), "1 round open"),
    ],
)
def test_the_summary_counts_rounds_as_people_say_them(
    rounds: tuple[OpenRound, ...], expected: str
) -> None:
    assert summary_line(_digest(rounds=rounds)) == expected


def test_a_quiet_week_is_one_line_and_its_notification() -> None:
    (message,) = digest_messages(_digest())
    assert summary_line(_digest()) == QUIET == message.text


# -- the digest by DM -----------------------------------------------------------------------------


def test_digest_dm_sends_the_next_digest_to_that_member_once_even_if_the_tick_runs_twice(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    reply = workspace.command(PORTUGUESE, "/consortium digest dm")
    assert "weekly digest now comes to you by DM" in reply.ack_text
    digest_at(workspace, clock, FIRST_MONDAY)
    digest_at(workspace, clock, FIRST_MONDAY + timedelta(minutes=1))
    (dm,) = digests(workspace, PORTUGUESE)
    assert len(digests(workspace, ANNOUNCE)) == 1
    assert dm["metadata"]["event_payload"]["key"] == "digest:dm:U0PT:2024-W02"
    text = shown(dm)
    assert "CapaCITIES: your weekly digest" in text
    assert dm["text"] == digests(workspace, ANNOUNCE)[0]["text"]  # the same summary
    # Hers first: the meetings of her audiences, then the rest; her country's rounds first,
    # saying hers is still to answer.
    assert text.index("*Your meetings in the next 14 days*") < text.index("Online consortium")
    assert text.index("*Other meetings of the consortium*") < text.index("Core team meeting")
    assert "*Portugal still to answer:* `/update`" in text
    assert digests(workspace, FINNISH) == []  # nobody else asked


def test_digest_off_stops_it_and_a_failed_dm_is_retried_once(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    workspace.command(PORTUGUESE, "/consortium digest dm")
    # The channel's digest goes out; the DM is refused once and tried again later.
    workspace.emulator.inject_fault(
        "chat.postMessage", status=200, error="internal_error", skip=1, retry_after=None
    )
    assert "1 failed" in digest_at(workspace, clock, FIRST_MONDAY)
    assert digests(workspace, PORTUGUESE) == []
    digest_at(workspace, clock, FIRST_MONDAY + timedelta(minutes=5))
    digest_at(workspace, clock, FIRST_MONDAY + timedelta(minutes=10))
    assert len(digests(workspace, PORTUGUESE)) == 1
    reply = workspace.command(PORTUGUESE, "/consortium digest off")
    assert "by DM is off" in reply.ack_text
    digest_at(workspace, clock, NEXT_MONDAY)
    assert len(digests(workspace, ANNOUNCE)) == 2
    assert len(digests(workspace, PORTUGUESE)) == 1


def test_a_digest_too_late_for_the_channel_is_too_late_by_dm_too(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    workspace.command(PORTUGUESE, "/consortium digest dm")
    assert "2 skipped" in digest_at(workspace, clock, FIRST_MONDAY + timedelta(hours=7))
    assert digests(workspace, ANNOUNCE) == digests(workspace, PORTUGUESE) == []


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("/consortium digest dn", "Did you mean `/consortium digest dm`?"),
        ("/consortium digest of", "Did you mean `/consortium digest off`?"),
        ("/consortium digest", "You get the weekly digest only in the digest channel."),
    ],
)
def test_digest_typos_get_a_did_you_mean_and_change_nothing(
    workspace: LocalWorkspace, line: str, hint: str
) -> None:
    reply = workspace.command(PORTUGUESE, line)
    assert hint in reply.ack_text
    profile = workspace.services.directory.profile(PORTUGUESE)
    assert profile is not None and not profile.digest_by_dm


# -- Slack's limits at 100x the consortium ----------------------------------------------------------


def _check_pages(messages: list[Any]) -> None:
    assert messages
    summary = messages[0].text
    for number, message in enumerate(messages, start=1):
        assert 0 < len(message.blocks) <= 50
        assert message.text.startswith(summary) and len(message.text) > 20
        if number > 1:
            assert message.text.endswith(f"(part {number} of {len(messages)})")
        for block in message.blocks:
            text = block.get("text", {}).get("text", "")
            limit = 150 if block["type"] == "header" else 3000
            assert len(text) <= limit
        assert_pings_nobody(
            {"text": message.text, "blocks": message.blocks}, "<https://slack.com/archives/"
        )


def test_a_digest_of_100_times_everything_keeps_within_slacks_limits_by_construction() -> None:
    countries = tuple(
        CountryRef(
            f"{chr(65 + i // 26)}{chr(65 + i % 26)}", f"Country <{i}> & co", CountryRole.CORE
        )
        for i in range(1400)
    )
    long_title = "Transnational webinar & <!channel> " * 6
    series = [
        Series(n, f"uid-{n}", MeetingKind.WEBINAR, f"{long_title} {n}", "FREQ=DAILY",
               datetime(2024, 1, 1, 9, n % 60), "Europe/Vienna")
        for n in range(50)
    ]  # fmt: skip
    upcoming = tuple(
        UpcomingMeeting(o, RsvpTotals(1, 2, 3, 994))
        for s in series
        for o in occurrences(s, MONDAY, MONDAY + timedelta(days=14))
    )
    rounds = tuple(
        OpenRound(_round(date(2023, 11, 10), long_title), countries, countries[::2])
        for _ in range(100)
    )
    updates = tuple(
        (
            country,
            tuple(
                UpdateLine(n, country, "news & <!here> " * 40, "C1", f"{n}.0001") for n in range(2)
            ),
        )
        for country in countries
    )
    changes = tuple(
        ScheduleChange(ChangeKind.MOVED, long_title, n, date(2024, 2, 1), moved_to=datetime(2024, 2, 2, 11))
        for n in range(600)
    )  # fmt: skip
    digest = _digest(upcoming=upcoming, rounds=rounds, updates=updates, changes=changes)
    _check_pages(digest_messages(digest))
    reader = _profile_of_country(countries[0])
    _check_pages(digest_messages(digest.for_reader(reader)))


def _profile_of_country(country: CountryRef) -> Any:
    from scheduling.consortium.directory import MemberProfile

    return MemberProfile("U1", "Reader", "Europe/Vienna", (country,), ())


def _scaled(copies: int) -> str:
    """The example file with `copies` times its members, meetings and rounds."""
    doc = yaml.safe_load(EXAMPLE_FILE.read_text(encoding="utf-8"))
    members, meetings, rounds = [], [], []
    for k in range(copies):
        tag = f"K{k}" if k else ""
        members += [
            {**m, "slack_id": m["slack_id"] + tag, "name": m["name"] + tag} for m in doc["members"]
        ]
        meetings += [{**m, "title": f"{m['title']} {tag}"} for m in doc["meetings"]]
        rounds += [{**r, "title": f"{r['title']} {tag}"} for r in doc["rounds"]]
    doc |= {"members": members, "meetings": meetings, "rounds": rounds}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)  # fmt: skip


def test_the_digest_of_100_times_the_consortium_posts_within_slacks_limits(
    tmp_path: Path, open_workspace: OpenWorkspace, clock: FixedClock
) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(_scaled(100), encoding="utf-8")
    with open_workspace(clock, big) as workspace:
        workspace.command(PORTUGUESE, "/consortium digest dm")
        digest_at(workspace, clock, FIRST_MONDAY)
        for channel in (ANNOUNCE, PORTUGUESE):
            parts = digests(workspace, channel)
            assert parts and all(len(p["blocks"]) <= 50 for p in parts)
            assert all(p.get("thread_ts") for p in parts[1:])
            first = parts[0]
            assert first["text"].startswith("200 meetings this week, 100 rounds overdue")
            for part in parts:
                for block in part["blocks"]:
                    limit = 150 if block["type"] == "header" else 3000
                    assert len(block.get("text", {}).get("text", "")) <= limit


def test_the_date_of_a_change_has_its_year_only_when_it_is_not_this_year() -> None:
    moved = ScheduleChange(
        ChangeKind.MOVED, "Jour fixe", 1, date(2025, 3, 6), moved_to=datetime(2025, 3, 7, 11)
    )
    new = ScheduleChange(ChangeKind.NEW, "Core team", 3, date(2024, 1, 9), "weekly on tuesday")
    (message,) = digest_messages(_digest(changes=(moved, new)))
    text = render_message(message.text, message.blocks)
    assert "Moved: *Jour fixe* (#1), Thu 6 Mar 2025 → Fri 7 Mar 2025 11:00" in text
    assert "New: *Core team* (#3), weekly on tuesday, next Tue 9 Jan" in text
