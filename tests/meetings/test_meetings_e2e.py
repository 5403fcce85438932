"""Meetings end to end: slash commands and the form through the signed Bolt app, invites and
.ics files at the emulator, feeds over HTTP."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest

from bot.core import ids
from bot.local.render import render_message
from bot.local.workspace import Exchange, LocalWorkspace
from scheduling.clock import FixedClock
from tests.support import assert_pings_nobody, confirmed, feed_paths, press, web_client

COORDINATOR = "U0COORD1"
PARTNER = "U0PT"
JOUR_FIXE = (
    '/meeting schedule jour-fixe "Jour fixe" monthly on the first thursday from 2025-01-02 '
    "at 10:00 for 1h tz Europe/Vienna in <#C0JOURFIXE|jour-fixe>"
)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2024, 12, 20, 9, 0, tzinfo=UTC))


def _posts(exchange: Exchange, method: str) -> list[dict[str, Any]]:
    return [c.params for c in exchange.calls if c.method == method]


def _scheduled_id(exchange: Exchange) -> int:
    match = re.search(r"Scheduled #(\d+)", exchange.ack_text)
    assert match, exchange.ack
    return int(match[1])


def test_scheduling_posts_a_card_and_an_ics_file_to_the_channel(workspace: LocalWorkspace) -> None:
    exchange = confirmed(workspace, COORDINATOR, JOUR_FIXE)
    assert exchange.status == 200
    assert exchange.ack_text.startswith("Scheduled #7 Jour fixe (monthly on the first thursday)")
    (card,) = _posts(exchange, "chat.postMessage")
    assert card["channel"] == "C0JOURFIXE"
    assert card["text"] == "New meeting: Jour fixe (Jour fixe), Thu 2 Jan 2025 10:00 CET"
    epoch = int(datetime(2025, 1, 2, 9, 0, tzinfo=UTC).timestamp())
    assert f"<!date^{epoch}^" in json.dumps(card["blocks"])
    lisbon = render_message(card["text"], card["blocks"], tz="Europe/Lisbon")
    assert "Thu 2 Jan 2025 09:00 WET" in lisbon
    (uploaded,) = workspace.emulator.files()
    assert uploaded.channel_id == "C0JOURFIXE"
    assert uploaded.filename == "jour-fixe.ics"
    calendar = icalendar.Calendar.from_ical(uploaded.content)
    assert calendar["METHOD"] == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["RRULE"].to_ical().decode()) == "FREQ=MONTHLY;BYDAY=1TH"


def test_july_is_eight_utc_and_a_lisbon_reader_sees_nine(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    confirmed(workspace, COORDINATOR, JOUR_FIXE)
    clock.set(datetime(2025, 6, 20, tzinfo=UTC))
    exchange = workspace.command(PARTNER, "/meeting next jour-fixe")
    assert isinstance(exchange.ack, dict)
    blocks = exchange.ack["blocks"]
    july = int(datetime(2025, 7, 3, 8, 0, tzinfo=UTC).timestamp())
    assert f"<!date^{july}^" in json.dumps(blocks)
    assert "Thu 3 Jul 2025 09:00 WEST" in render_message(
        exchange.ack_text, blocks, tz="Europe/Lisbon"
    )


def test_imported_meetings_are_the_same_series_as_slack_ones(workspace: LocalWorkspace) -> None:
    exchange = workspace.command(PARTNER, "/meeting list")
    shown = render_message(
        exchange.ack_text, exchange.ack["blocks"] if isinstance(exchange.ack, dict) else []
    )
    assert "*#1* Jour fixe of the core countries" in shown
    assert "monthly on the first thursday" in shown
    assert "*#6* Transnational Cities Mission Alliance webinar" in shown
    cancel = confirmed(workspace, COORDINATOR, "/meeting cancel 1 on 2025-01-02")
    assert cancel.ack_text == "Cancelled the Thu 2 Jan 2025 occurrence of #1."
    (uploaded,) = workspace.emulator.files()
    calendar = icalendar.Calendar.from_ical(uploaded.content)
    assert calendar["METHOD"] == "CANCEL"
    assert "RECURRENCE-ID" in calendar.walk("VEVENT")[0]


def test_move_edit_and_invite_again_keep_the_uid_and_raise_the_sequence(
    workspace: LocalWorkspace,
) -> None:
    meeting = _scheduled_id(confirmed(workspace, COORDINATOR, JOUR_FIXE))
    confirmed(workspace, COORDINATOR, f"/meeting move {meeting} 2025-02-06 to 2025-02-07 at 11:00")
    confirmed(workspace, COORDINATOR, f"/meeting edit {meeting} link https://zoom.example/j/jf")
    confirmed(workspace, COORDINATOR, f"/meeting invite {meeting}")
    events = [
        icalendar.Calendar.from_ical(f.content).walk("VEVENT") for f in workspace.emulator.files()
    ]
    assert len(events) == 4
    assert {str(e["UID"]) for group in events for e in group} == {events[0][0]["UID"]}
    assert [int(group[0]["SEQUENCE"]) for group in events] == [0, 1, 2, 2]
    assert any("RECURRENCE-ID" in e for e in events[1])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('/meeting schedule jour-fixe "JF" fortnightli at 10:00', "cannot read 'fortnightli'"),
        (
            '/meeting schedule party "JF" once on 2025-01-09 at 10:00',
            "'party' is not a kind of meeting",
        ),
        (
            '/meeting schedule webinar "W" once on 2025-01-09 at 25:00',
            "cannot read '25:00' as a time",
        ),
        ('/meeting schedule webinar "W once on 2025-01-09 at 10:00', "a closing quote is missing"),
        ("/meeting move 1 2025-01-02 2025-01-03", "then `to` and its new date"),
    ],
)
def test_what_does_not_parse_gets_the_word_the_usage_and_an_example(
    workspace: LocalWorkspace, text: str, reason: str
) -> None:
    exchange = confirmed(workspace, COORDINATOR, text)
    assert isinstance(exchange.ack, dict)
    shown = render_message(exchange.ack_text, exchange.ack["blocks"])
    assert reason in shown
    assert "Usage:" in shown and "Example:" in shown
    assert exchange.calls == []


def test_an_unknown_subcommand_gets_the_words_not_every_usage(workspace: LocalWorkspace) -> None:
    exchange = confirmed(workspace, COORDINATOR, "/meeting frobnicate")
    assert isinstance(exchange.ack, dict)
    shown = render_message(exchange.ack_text, exchange.ack["blocks"])
    assert "I don't know `/meeting frobnicate`." in shown
    assert "`/meeting` takes: `next` · `who`" in shown
    assert "`/consortium help meetings`" in shown
    assert "Usage:" not in shown
    assert exchange.calls == []


def test_refusals_from_the_service_change_nothing(workspace: LocalWorkspace) -> None:
    exchange = confirmed(
        workspace, COORDINATOR, '/meeting schedule webinar "Old" once on 2024-01-09 at 10:00'
    )
    assert exchange.ack_text == (
        "Tue 9 Jan 2024 is in the past; to record a past meeting say `from 2024-01-09` explicitly"
    )
    assert exchange.calls == []


def test_a_partner_is_told_who_may_change_meetings(workspace: LocalWorkspace) -> None:
    for text in (JOUR_FIXE, "/meeting cancel 1", "/meeting", "/meeting invite 1"):
        exchange = workspace.command(PARTNER, text)
        assert exchange.ack_text == (
            "Only coordinators can change meetings. Ask Coordinator (FFG), Coordinator (UEFISCDI)."
        )
        assert exchange.calls == []


def _form_values(day: str, title: str, repeat: str, at: str | None) -> dict[str, Any]:
    def chosen(block: str, kind: str, key: str, value: Any) -> dict[str, Any]:
        return {block: {block: {"type": kind, key: value}}}

    values: dict[str, Any] = {}
    values |= chosen(ids.MEETING_KIND, "static_select", "selected_option", {"value": "webinar"})
    values |= chosen(ids.MEETING_TITLE, "plain_text_input", "value", title)
    values |= chosen(ids.MEETING_DATE, "datepicker", "selected_date", day)
    values |= chosen(ids.MEETING_TIME, "timepicker", "selected_time", at)
    values |= chosen(ids.MEETING_DURATION, "plain_text_input", "value", "90m")
    values |= chosen(ids.MEETING_REPEAT, "static_select", "selected_option", {"value": repeat})
    values |= chosen(ids.MEETING_ZONE, "plain_text_input", "value", "Europe/Vienna")
    values |= chosen(
        ids.MEETING_CHANNEL, "conversations_select", "selected_conversation", "C0ANNOUNCE"
    )
    return values


def test_the_form_opens_at_once_and_its_submission_schedules(workspace: LocalWorkspace) -> None:
    opened = confirmed(workspace, COORDINATOR, "/meeting")
    (call,) = [c for c in opened.calls if c.method == "views.open"]
    assert call.response["ok"] is True
    view = call.response["view"]
    bad = workspace.submit_view(
        COORDINATOR, view, _form_values("2025-01-16", "Webinar", "once", None)
    )
    assert bad.ack == {
        "response_action": "errors",
        "errors": {ids.MEETING_TIME: "Pick a start time; only physical meetings are all-day."},
    }
    good = workspace.submit_view(
        COORDINATOR, view, _form_values("2025-01-16", "Webinar <!channel>", "monthly", "14:00")
    )
    assert isinstance(good.ack, dict) and good.ack["response_action"] == "update"
    (card,) = _posts(good, "chat.postMessage")
    assert card["channel"] == "C0ANNOUNCE"
    assert_pings_nobody(card)
    assert "monthly on the third thursday" in json.dumps(card)


def test_feeds_over_http_with_etag_and_unknown_tokens(workspace: LocalWorkspace) -> None:
    urls = feed_paths(workspace, PARTNER)
    assert len(urls) == 2  # the whole consortium, and the core countries
    with web_client(workspace) as http:
        response = http.get(urls[0])
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        calendar = icalendar.Calendar.from_ical(response.content)
        assert len(calendar.walk("VEVENT")) == 6
        assert "METHOD" not in calendar
        again = http.get(urls[0], headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304
        since = http.get(urls[0], headers={"If-Modified-Since": response.headers["last-modified"]})
        assert since.status_code == 304
        assert http.get("/calendar/not-a-token.ics").status_code == 404
        asked = confirmed(workspace, COORDINATOR, "/meeting cancel 6")
        press(workspace, COORDINATOR, asked, ids.MEETING_CANCEL_CONFIRM)
        changed = http.get(urls[0], headers={"If-None-Match": response.headers["etag"]})
        assert changed.status_code == 200
        assert len(icalendar.Calendar.from_ical(changed.content).walk("VEVENT")) == 5


def test_regression_the_moved_card_shows_the_new_time(workspace: LocalWorkspace) -> None:
    meeting = _scheduled_id(confirmed(workspace, COORDINATOR, JOUR_FIXE))
    moved = confirmed(
        workspace, COORDINATOR, f"/meeting move {meeting} 2025-02-06 to 2025-02-07 at 11:00"
    )
    (card,) = _posts(moved, "chat.postMessage")
    shown = render_message(card["text"], card["blocks"], tz="Europe/Vienna")
    assert "*When:* Fri 7 Feb 2025 11:00 CET" in shown


def test_regression_a_rule_with_until_from_slack(workspace: LocalWorkspace) -> None:
    exchange = confirmed(
        workspace,
        COORDINATOR,
        '/meeting schedule core-team "Sprint" rrule FREQ=WEEKLY;BYDAY=MO;UNTIL=20250331 from 2025-01-06 at 09:00',
    )
    assert exchange.ack_text.startswith("Scheduled #7 Sprint (weekly on monday, until 31 Mar 2025)")
    (uploaded,) = workspace.emulator.files()
    (event,) = icalendar.Calendar.from_ical(uploaded.content).walk("VEVENT")
    assert event["RRULE"]["UNTIL"][0] == datetime(2025, 3, 31, 21, 59, 59, tzinfo=UTC)


def test_a_fifth_monday_is_scheduled_listed_and_in_every_feed(workspace: LocalWorkspace) -> None:
    exchange = confirmed(
        workspace,
        COORDINATOR,
        '/meeting schedule webinar "Fifth Monday" rrule FREQ=MONTHLY;BYDAY=5MO '
        "from 2027-01-04 at 10:00",
    )
    assert exchange.ack_text.startswith("Scheduled #7 Fifth Monday (monthly on the fifth monday)")
    (card,) = _posts(exchange, "chat.postMessage")
    assert card["text"] == "New meeting: Fifth Monday (Webinar), Mon 29 Mar 2027 10:00 CEST"
    listed = workspace.command(PARTNER, "/meeting list")
    assert "Fifth Monday" in json.dumps(listed.ack)
    urls = feed_paths(workspace, PARTNER)
    with web_client(workspace) as http:
        for url in urls:
            response = http.get(url)
            assert response.status_code == 200
        events = icalendar.Calendar.from_ical(http.get(urls[0]).content).walk("VEVENT")
        rules = [e["RRULE"].to_ical().decode() for e in events if "RRULE" in e]
        assert "FREQ=MONTHLY;BYDAY=5MO" in rules


@pytest.mark.parametrize("rule", ["FREQ=DAILY;BYSETPOS=2", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31"])
def test_a_rule_that_never_meets_is_refused_with_the_reason(
    workspace: LocalWorkspace, rule: str
) -> None:
    exchange = confirmed(
        workspace,
        COORDINATOR,
        f'/meeting schedule webinar "Never" rrule {rule} from 2027-01-04 at 10:00',
    )
    assert "no occurrence in the 10 years from 2027-01-04" in exchange.ack_text
    assert "Scheduled" not in exchange.ack_text
    listed = workspace.command(PARTNER, "/meeting list")
    assert "Never" not in json.dumps(listed.ack)
    assert not _posts(exchange, "chat.postMessage")


def test_a_never_meeting_rule_stored_before_the_door_checked_it_poisons_no_read(
    workspace: LocalWorkspace,
) -> None:
    with workspace.database.write() as work:
        meeting = work.meetings.get(6)
        assert meeting is not None
        meeting.rrule = "FREQ=DAILY;BYSETPOS=2"
    listed = workspace.command(PARTNER, "/meeting list")
    assert listed.status == 200 and isinstance(listed.ack, dict)
    shown = workspace.command(PARTNER, "/meeting next")
    assert shown.status == 200
    urls = feed_paths(workspace, PARTNER)
    with web_client(workspace) as http:
        assert http.get(urls[0]).status_code == 200


def test_a_cache_date_from_the_future_gets_the_feed_not_304(
    workspace: LocalWorkspace, clock: FixedClock
) -> None:
    (url, *_) = feed_paths(workspace, PARTNER)
    with web_client(workspace, wall_clock=clock) as http:
        modified = http.get(url).headers["last-modified"]
        assert http.get(url, headers={"If-Modified-Since": modified}).status_code == 304
        # A client whose clock runs a year fast must not keep an old calendar for a year.
        future = "Sat, 20 Dec 2025 09:00:00 GMT"
        assert http.get(url, headers={"If-Modified-Since": future}).status_code == 200
        clock.set(datetime(2026, 1, 1, tzinfo=UTC))  # now that date has passed, it is valid
        assert http.get(url, headers={"If-Modified-Since": future}).status_code == 304
