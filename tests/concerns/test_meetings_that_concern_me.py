"""What concerns me, end to end: `/meeting next` shows the meetings of the caller's audiences
(and `all` everyone's), reminders by DM go only to a meeting's audience, a new meeting goes to
its kind's channel, and a reminders-only edit is quiet.

The example consortium as of Tuesday 2 January 2024, 09:00 UTC: the jour fixe is for core
countries (first Thursdays), the core-team meeting for work-package leads (Tuesdays), the
online consortium meeting and the webinar for everyone. Portugal is core, Bulgaria supporting.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.local.render import render_message
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from tests.support import feed_paths, web_client

COORDINATOR = "U0COORD1"  # coordinator and wp-lead, Austria
COORDINATOR_RO = "U0COORD2"  # coordinator only, Romania
WP_LEAD = "U0VC"  # Sweden (core), wp-lead
PORTUGUESE = "U0PT"  # core country's partner
BULGARIAN = "U0BG"  # supporting country's partner

JOUR_FIXE = "Jour fixe of the core countries"
CORE_TEAM = "Core team meeting (WP and task leaders)"
CONSORTIUM = "Online consortium meeting"
WEBINAR = "Transnational Cities Mission Alliance webinar"


def shown(exchange: Exchange) -> str:
    assert exchange.status == 200 and isinstance(exchange.ack, dict), exchange.ack
    return render_message(exchange.ack_text, exchange.ack.get("blocks"), tz="Europe/Lisbon")


def test_a_core_partner_sees_their_meetings_and_hears_of_the_others(
    workspace: LocalWorkspace,
) -> None:
    text = shown(workspace.command(PORTUGUESE, "/meeting next"))
    assert text.startswith("== Your next meetings ==")
    assert JOUR_FIXE in text and CONSORTIUM in text and WEBINAR in text
    assert CORE_TEAM not in text
    # Of the next ten meetings of all, six are core-team meetings (for work-package leads).
    assert "6 more for other audiences: `/meeting next all`" in text


def test_a_supporting_partner_sees_no_core_country_or_wp_lead_meetings(
    workspace: LocalWorkspace,
) -> None:
    text = shown(workspace.command(BULGARIAN, "/meeting next"))
    assert CONSORTIUM in text and WEBINAR in text
    assert JOUR_FIXE not in text and CORE_TEAM not in text
    assert "8 more for other audiences: `/meeting next all`" in text


@pytest.mark.parametrize("who", [COORDINATOR, COORDINATOR_RO])
def test_coordinators_see_every_meeting_and_no_hint(workspace: LocalWorkspace, who: str) -> None:
    text = shown(workspace.command(who, "/meeting next"))
    assert text.startswith("== Your next meetings ==")
    assert all(title in text for title in (JOUR_FIXE, CORE_TEAM, CONSORTIUM))
    assert "more for other audiences" not in text


def test_a_wp_lead_sees_the_core_team_and_their_countrys_meetings(
    workspace: LocalWorkspace,
) -> None:
    text = shown(workspace.command(WP_LEAD, "/meeting next"))
    assert CORE_TEAM in text and JOUR_FIXE in text


@pytest.mark.parametrize("line", ["/meeting next all", "/meeting next ALL"])
def test_all_shows_every_audience(workspace: LocalWorkspace, line: str) -> None:
    text = shown(workspace.command(BULGARIAN, line))
    assert text.startswith("== All upcoming meetings ==")
    assert all(title in text for title in (JOUR_FIXE, CORE_TEAM, CONSORTIUM, WEBINAR))
    assert "more for other audiences" not in text


@pytest.mark.parametrize(
    "line", ["/meeting next webinar", "/meeting next all webinar", "/meeting next webinar all"]
)
def test_by_kind_with_or_without_all(workspace: LocalWorkspace, line: str) -> None:
    text = shown(workspace.command(BULGARIAN, line))
    assert WEBINAR in text
    assert JOUR_FIXE not in text and CONSORTIUM not in text
    assert "· Webinar" in text.splitlines()[0]


def test_a_kind_that_is_not_for_me_says_so_and_where_to_look(workspace: LocalWorkspace) -> None:
    exchange = workspace.command(BULGARIAN, "/meeting next jour-fixe")
    text = shown(exchange)
    assert "No upcoming meetings for you." in text
    assert "more for other audiences: `/meeting next all jour-fixe`" in text
    assert "more for other audiences" in exchange.ack_text  # the notification says it too
    everyone = shown(workspace.command(BULGARIAN, "/meeting next all jour-fixe"))
    assert JOUR_FIXE in everyone


def test_what_next_cannot_read_is_named(workspace: LocalWorkspace) -> None:
    text = shown(workspace.command(PORTUGUESE, "/meeting next webinar workshop"))
    assert "cannot read 'workshop' after the kind" in text
    assert "/meeting next [all] [kind]" in text


# -- reminders by DM only reach a meeting's audience -----------------------------------------


def sweep_at(workspace: LocalWorkspace, clock: FixedClock, instant: datetime) -> None:
    clock.set(instant)
    workspace.jobs.sweep()
    workspace.executor.wait_idle()


def dm_texts(workspace: LocalWorkspace, user: str) -> list[str]:
    return [m.text for m in workspace.emulator.messages(user)]


def test_reminders_by_dm_reach_only_the_meetings_audience(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    for member in (PORTUGUESE, BULGARIAN, WP_LEAD, COORDINATOR_RO):
        reply = workspace.command(member, "/consortium remind me dm")
        assert "direct messages" in reply.ack_text
    # The jour fixe of Thursday 4 January, 10:00 Vienna (09:00 UTC): its reminder a day before.
    sweep_at(workspace, clock, datetime(2024, 1, 3, 9, 0, tzinfo=UTC))
    assert any("Jour fixe" in text for text in dm_texts(workspace, PORTUGUESE))
    assert any("Jour fixe" in text for text in dm_texts(workspace, WP_LEAD))  # Sweden is core
    assert dm_texts(workspace, BULGARIAN) == []  # Bulgaria is a supporting country
    # The consortium meeting of 11 January is for everyone: a week before, Bulgaria too.
    sweep_at(workspace, clock, datetime(2024, 1, 4, 9, 0, tzinfo=UTC))
    assert any("Online consortium meeting" in text for text in dm_texts(workspace, BULGARIAN))
    bulgarian = len(dm_texts(workspace, BULGARIAN))
    # The core-team meeting of Tuesday 9 January, 09:30 Vienna: its reminder 15 minutes before.
    sweep_at(workspace, clock, datetime(2024, 1, 9, 8, 15, tzinfo=UTC))
    assert any("Core team" in text for text in dm_texts(workspace, WP_LEAD))
    assert any("Core team" in text for text in dm_texts(workspace, COORDINATOR_RO))
    assert not any("Core team" in text for text in dm_texts(workspace, PORTUGUESE))
    assert len(dm_texts(workspace, BULGARIAN)) == bulgarian


# -- a new meeting goes to its kind's channel --------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "channel"),
    [
        ("jour-fixe", "C0JOURFIXE"),
        ("core-team", "C0CORETEAM"),
        ("webinar", "C0ANNOUNCE"),
        ("consortium", "C0ANNOUNCE"),
    ],
)
def test_a_meeting_without_a_channel_goes_to_its_kinds_channel(
    workspace: LocalWorkspace, kind: str, channel: str
) -> None:
    exchange = workspace.command(
        COORDINATOR, f'/meeting schedule {kind} "New {kind}" weekly on friday at 10:00'
    )
    assert exchange.ack_text.startswith("Scheduled #7"), exchange.ack_text
    (card,) = [c.params for c in exchange.calls if c.method == "chat.postMessage"]
    assert card["channel"] == channel
    (uploaded,) = workspace.emulator.files()
    assert uploaded.channel_id == channel


def test_a_channel_given_wins_over_the_kinds(workspace: LocalWorkspace) -> None:
    exchange = workspace.command(
        COORDINATOR,
        '/meeting schedule jour-fixe "Extra jour fixe" once on 2024-01-19 at 10:00 '
        "in <#C0ANNOUNCE|announcements>",
    )
    (card,) = [c.params for c in exchange.calls if c.method == "chat.postMessage"]
    assert card["channel"] == "C0ANNOUNCE"


# -- a reminders-only edit is quiet ---------------------------------------------------------


def test_editing_only_the_reminders_posts_nothing_and_keeps_the_sequence(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    meetings = workspace.services.meetings
    before = meetings.get(1)
    (feed, *_) = feed_paths(workspace, PORTUGUESE)
    with web_client(workspace) as http:
        etag = http.get(feed).headers["etag"]
    exchange = workspace.command(COORDINATOR, "/meeting edit 1 reminders 2h")
    assert exchange.ack_text == (
        f"#1 {JOUR_FIXE} now has reminders 2h before each meeting. Nothing is posted again: "
        "the invite and the calendar files stay as they are."
    )
    assert exchange.calls == []  # no card, no file, no DM
    workspace.executor.wait_idle()
    assert workspace.emulator.files() == []
    after = meetings.get(1)
    assert after.reminder_minutes == (120,)
    assert after.sequence == before.sequence
    with web_client(workspace) as http:
        assert http.get(feed, headers={"If-None-Match": etag}).status_code == 304
    # The reminders follow the new offsets: two hours before the 4 January jour fixe, not one.
    sweep_at(workspace, clock, datetime(2024, 1, 4, 7, 0, tzinfo=UTC))
    reminders = [
        m for m in workspace.emulator.messages("C0JOURFIXE") if "Jour fixe" in (m.text or "")
    ]
    assert len(reminders) == 1
    sweep_at(workspace, clock, datetime(2024, 1, 4, 8, 0, tzinfo=UTC))
    assert len(workspace.emulator.messages("C0JOURFIXE")) == 1


def test_other_edits_still_announce_with_a_new_sequence(workspace: LocalWorkspace) -> None:
    before = workspace.services.meetings.get(1).sequence
    exchange = workspace.command(COORDINATOR, "/meeting edit 1 link https://zoom.example/j/new")
    assert exchange.ack_text == "Changed the link of #1."
    assert [c.params["channel"] for c in exchange.calls if c.method == "chat.postMessage"] == [
        "C0JOURFIXE"
    ]
    assert workspace.services.meetings.get(1).sequence == before + 1


def test_a_bad_reminders_edit_names_the_word(workspace: LocalWorkspace) -> None:
    exchange = workspace.command(COORDINATOR, "/meeting edit 1 reminders 1d soon")
    assert "cannot read 'soon' as a reminder" in exchange.ack_text
    assert exchange.calls == []
    assert workspace.services.meetings.get(1).reminder_minutes == (1440, 60)
