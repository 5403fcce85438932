"""Plain-text rendering of messages, views and files for terminal transcripts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.local.emulator import UploadedFile
from bot.local.render import (
    DIVIDER_LINE,
    FILE_PREVIEW_LINES,
    render_file,
    render_message,
    render_mrkdwn,
    render_view,
)

JANUARY_9_UTC = int(datetime(2024, 1, 4, 9, 0, tzinfo=UTC).timestamp())
JULY_9_UTC = int(datetime(2024, 7, 4, 9, 0, tzinfo=UTC).timestamp())


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def test_text_is_used_when_there_are_no_blocks() -> None:
    assert render_message("Hello <@U1>", []) == "Hello @U1"
    assert render_message("Hello", None) == "Hello"


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("R&amp;D &lt;draft&gt;", "R&D <draft>"),
        ("&amp;lt; stays literal", "&lt; stays literal"),
        ("ping <@U123>", "ping @U123"),
        ("ping <@U123|alice>", "ping @alice"),
        ("in <#C1|general>", "in #general"),
        ("in <#C1>", "in #C1"),
        (
            "see <https://example.org/a?b=1&amp;c=2|the plan>",
            "see the plan (https://example.org/a?b=1&c=2)",
        ),
        ("see <https://example.org>", "see https://example.org"),
        ("<!here> and <!channel>", "@here and @channel"),
        ("<!subteam^S1|@wp-leads> meet", "@wp-leads meet"),
    ],
)
def test_mrkdwn_is_made_readable(source: str, shown: str) -> None:
    assert render_mrkdwn(source) == shown


def test_names_replace_ids() -> None:
    names = {"U1": "alice", "C1": "general"}
    assert render_mrkdwn("<@U1> in <#C1>", names=names) == "@alice in #general"


@pytest.mark.parametrize(
    ("epoch", "tz", "shown"),
    [
        (JANUARY_9_UTC, "Europe/Lisbon", "Thu 4 Jan 2024 09:00 WET"),
        (JANUARY_9_UTC, "Europe/Vienna", "Thu 4 Jan 2024 10:00 CET"),
        (JULY_9_UTC, "Europe/Lisbon", "Thu 4 Jul 2024 10:00 WEST"),
        (JULY_9_UTC, "Europe/Vienna", "Thu 4 Jul 2024 11:00 CEST"),
    ],
)
def test_date_tokens_follow_the_readers_zone(epoch: int, tz: str, shown: str) -> None:
    token = f"<!date^{epoch}^{{date_short_pretty}} {{time}}|4 Jan 09:00 UTC>"
    assert render_message(f"Meeting: {token}", [], tz=tz) == f"Meeting: {shown}"


def test_date_token_formats() -> None:
    token = f"<!date^{JANUARY_9_UTC}^{{date_num}} / {{date_long}} at {{time_secs}}^https://x.org|f>"
    assert render_mrkdwn(token, tz="Europe/Vienna") == (
        "2024-01-04 / Thursday 4 January 2024 at 10:00:00 CET"
    )


@pytest.mark.parametrize(
    "token",
    ["<!date^soon^{time}|next week>", "<!date^1704358800^{fortnight}|next week>"],
)
def test_unparsable_date_tokens_fall_back(token: str) -> None:
    assert render_mrkdwn(token, tz="Europe/Lisbon") == "next week"


def test_header_section_fields_and_accessory() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain("Weekly plan")},
        {
            "type": "section",
            "text": mrkdwn("*Tasks* &amp; notes"),
            "accessory": {"type": "button", "text": plain("Open"), "action_id": "open"},
        },
        {"type": "section", "fields": [mrkdwn("*Owner*\n<@U1>"), mrkdwn("*Due*\nFriday")]},
        {"type": "divider"},
    ]
    assert render_message("fallback", blocks).splitlines() == [
        "== Weekly plan ==",
        "*Tasks* & notes  [Open]",
        "  *Owner*",
        "  @U1",
        "  *Due*",
        "  Friday",
        DIVIDER_LINE,
    ]


def test_context_actions_and_images() -> None:
    blocks: list[dict[str, Any]] = [
        {
            "type": "context",
            "elements": [
                {"type": "image", "image_url": "https://x.org/a.png", "alt_text": "flag"},
                mrkdwn("Updated <!date^1704358800^{time}|09:00>"),
            ],
        },
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": plain("Accept"), "action_id": "a"},
                {"type": "button", "text": plain("Decline"), "action_id": "d"},
                {"type": "static_select", "placeholder": plain("Pick a slot"), "action_id": "s"},
                {"type": "overflow", "options": [], "action_id": "o"},
            ],
        },
        {
            "type": "image",
            "image_url": "https://x.org/m.png",
            "alt_text": "map",
            "title": plain("Site"),
        },
    ]
    assert render_message("", blocks, tz="Europe/Lisbon").splitlines() == [
        "[image: flag] | Updated 09:00 WET",
        "[Accept] [Decline] [Pick a slot v] [...]",
        "Site: [image: map]",
    ]


def test_input_blocks() -> None:
    option = {"text": plain("WP2"), "value": "wp2"}
    blocks: list[dict[str, Any]] = [
        {
            "type": "input",
            "label": plain("Title"),
            "element": {"type": "plain_text_input", "action_id": "t", "initial_value": "Kick-off"},
        },
        {
            "type": "input",
            "label": plain("Notes"),
            "optional": True,
            "element": {"type": "plain_text_input", "action_id": "n", "multiline": True},
        },
        {
            "type": "input",
            "label": plain("Work package"),
            "element": {
                "type": "static_select",
                "action_id": "wp",
                "options": [{"text": plain("WP1"), "value": "wp1"}, option],
                "initial_option": option,
            },
        },
        {
            "type": "input",
            "label": plain("Day"),
            "element": {"type": "datepicker", "action_id": "d", "initial_date": "2024-01-04"},
        },
        {
            "type": "input",
            "label": plain("Who"),
            "element": {
                "type": "multi_users_select",
                "action_id": "w",
                "initial_users": ["U1", "U2"],
            },
        },
        {
            "type": "input",
            "label": plain("Starts"),
            "element": {
                "type": "datetimepicker",
                "action_id": "s",
                "initial_date_time": JULY_9_UTC,
            },
        },
    ]
    assert render_message("", blocks, tz="Europe/Vienna", names={"U1": "alice"}).splitlines() == [
        'Title: <text input> = "Kick-off"',
        "Notes: <multi-line text input> (optional)",
        "Work package: <select: WP1 / WP2> = WP2",
        "Day: <date picker> = 2024-01-04",
        "Who: <multi user select> = @alice, @U2",
        "Starts: <date and time picker> = Thu 4 Jul 2024 11:00 CEST",
    ]


def test_rich_text_and_unknown_blocks() -> None:
    blocks: list[dict[str, Any]] = [
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "text", "text": "Hi "},
                        {"type": "user", "user_id": "U1"},
                        {"type": "emoji", "name": "wave"},
                    ],
                },
                {
                    "type": "rich_text_list",
                    "style": "ordered",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [{"type": "text", "text": "one"}],
                        },
                        {
                            "type": "rich_text_section",
                            "elements": [{"type": "text", "text": "two"}],
                        },
                    ],
                },
            ],
        },
        {"type": "video", "title": plain("Demo")},
    ]
    assert render_message("", blocks).splitlines() == [
        "Hi @U1:wave:",
        "1. one",
        "2. two",
        "[video block]",
    ]


def test_plain_text_is_shown_verbatim() -> None:
    blocks = [{"type": "section", "text": plain("<@U1> & co")}]
    assert render_message("", blocks) == "<@U1> & co"


def test_modal() -> None:
    view = {
        "type": "modal",
        "title": plain("New meeting"),
        "submit": plain("Create"),
        "close": plain("Back"),
        "blocks": [
            {
                "type": "input",
                "label": plain("Title"),
                "element": {"type": "plain_text_input", "action_id": "t"},
            }
        ],
    }
    assert render_view(view).splitlines() == [
        "[Modal] New meeting",
        "Title: <text input>",
        "[Back] [Create]",
    ]


def test_modal_without_submit_shows_cancel() -> None:
    view = {"type": "modal", "title": plain("Info"), "blocks": []}
    assert render_view(view).splitlines() == ["[Modal] Info", "[Cancel]"]


def test_home_tab() -> None:
    view = {
        "type": "home",
        "blocks": [{"type": "section", "text": mrkdwn("Next: <!date^1704358800^{time}|x>")}],
    }
    assert render_view(view, tz="Europe/Vienna").splitlines() == ["[Home tab]", "Next: 10:00 CET"]


def test_calendar_file_shows_its_first_lines() -> None:
    lines = [f"LINE-{number}" for number in range(FILE_PREVIEW_LINES + 3)]
    content = ("BEGIN:VCALENDAR\r\n" + "\r\n".join(lines) + "\r\n").encode()
    uploaded = UploadedFile("F1", "meetings.ics", "Meetings", content, "C1", None, None)
    rendered = render_file(uploaded).splitlines()
    assert rendered[0] == f'[file] meetings.ics "Meetings" ({len(content)} bytes)'
    assert rendered[1:3] == ["  BEGIN:VCALENDAR", "  LINE-0"]
    assert rendered[-1] == "  ... (4 more lines)"
    assert len(rendered) == 1 + FILE_PREVIEW_LINES + 1


def test_binary_file_shows_only_its_name() -> None:
    uploaded = UploadedFile("F2", "report.pdf", "report.pdf", b"%PDF\x00\xff")
    assert render_file(uploaded) == "[file] report.pdf (6 bytes)"
