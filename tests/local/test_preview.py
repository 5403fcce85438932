"""The HTML preview of Block Kit: escaping, dates in the reader's zone, every element shown,
unknown blocks visible, and `consortium-bot preview DIR` writing the example pages.

No test here needs a browser: the PNG pictures are best effort."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.local.preview.blocks import BlockRenderer
from bot.local.preview.examples import take_pictures
from bot.local.preview.mrkdwn import mrkdwn_html
from bot.local.preview.pages import home_page, message_page, modal_page

JANUARY_9_UTC = int(datetime(2024, 1, 9, 9, 0, tzinfo=UTC).timestamp())
NAMES = {"U0PT": "Portuguese partner", "C0ANNOUNCE": "announcements"}


def mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def render(*blocks: dict[str, Any], tz: str = "UTC") -> str:
    return BlockRenderer(tz, NAMES).blocks(list(blocks))


def tags(html: str) -> set[str]:
    return {match.lower() for match in re.findall(r"<\s*/?\s*([a-zA-Z]+)", html)}


# -- escaping ----------------------------------------------------------------------------------


def test_a_title_with_markup_and_ampersands_renders_as_text() -> None:
    page = message_page(
        "R&amp;D &lt;script&gt;alert(1)&lt;/script&gt;",
        [
            {"type": "header", "text": plain("R&D <script>alert(1)</script>")},
            {"type": "section", "text": mrkdwn("*R&amp;D* &lt;script&gt;alert(2)&lt;/script&gt;")},
        ],
        where="#announcements",
        bot_name="Bot <b>",
    )
    assert "<script" not in page.lower()
    assert "R&amp;D &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>R&amp;D</b> &lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "Bot &lt;b&gt;" in page


def test_escaped_entities_show_as_characters_once() -> None:
    # Slack sends &amp;lt; for a literal "&lt;": it must read "&lt;", not "<".
    assert mrkdwn_html("a &amp;lt; b &gt; c") == "<p>a &amp;lt; b &gt; c</p>"


@pytest.mark.parametrize(
    "text",
    [
        '<https://x.org/"onmouseover="alert(1)|x>',
        '<https://x.org/a|"><img src=x onerror=alert(1)>>',
        "<https://x.org/a|&lt;img src=x onerror=alert(1)&gt;>",
        "*<@U1|<b>bold</b>>*",
    ],
)
def test_links_and_mentions_cannot_inject_markup(text: str) -> None:
    html = mrkdwn_html(text)
    assert tags(html) <= {"p", "a", "span", "b"}
    assert "<img" not in html
    assert 'onmouseover="' not in html


def test_a_link_that_is_not_web_or_mail_gets_no_href() -> None:
    html = mrkdwn_html("<javascript:alert(1)|click> <mailto:a@b.org|mail> <https://a.org|web>")
    assert "javascript" not in html
    assert '<span class="link">click</span>' in html
    assert 'href="mailto:a@b.org"' in html and 'href="https://a.org"' in html


def test_private_use_characters_typed_by_a_member_do_not_pose_as_links() -> None:
    assert mrkdwn_html("\ue000 and <@U0PT>", names=NAMES).startswith("<p>\ufffd and <span")


# -- mrkdwn -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("*bold* _italic_ ~strike~", "<b>bold</b> <i>italic</i> <s>strike</s>"),
        ("snake_case_name and 2*3*4", "snake_case_name and 2*3*4"),
        ("`a *b* &lt;c&gt;`", "<code>a *b* &lt;c&gt;</code>"),
        ("*bold `code` in*", "<b>bold <code>code</code> in</b>"),
        (":white_check_mark: done :not_an_emoji:", "✅ done :not_an_emoji:"),
        ("<@U0PT> in <#C0ANNOUNCE>", '<span class="mention user">@Portuguese partner</span>'),
        ("<!here>", '<span class="mention broadcast">@here</span>'),
    ],
)
def test_mrkdwn_formatting(source: str, shown: str) -> None:
    assert shown in mrkdwn_html(source, names=NAMES)


def test_quotes_pre_and_lines() -> None:
    html = mrkdwn_html("&gt; quoted\n&gt; more\nafter\n```\n*not bold*\n  kept```\nend")
    assert html == (
        "<blockquote>quoted<br>more</blockquote><p>after</p><pre>*not bold*\n  kept</pre><p>end</p>"
    )


@pytest.mark.parametrize(
    ("tz", "shown"),
    [
        ("Europe/Lisbon", "Tue 9 Jan 2024 09:00 WET"),
        ("Europe/Vienna", "Tue 9 Jan 2024 10:00 CET"),
        ("America/New_York", "Tue 9 Jan 2024 04:00 EST"),
    ],
)
def test_date_tokens_show_in_the_readers_zone(tz: str, shown: str) -> None:
    token = f"<!date^{JANUARY_9_UTC}^{{date_short_pretty}} {{time}}|Tue 9 Jan 2024 09:00 UTC>"
    assert f'<span class="date">{shown}</span>' in render(
        {"type": "section", "text": mrkdwn(f"Jour fixe {token}")}, tz=tz
    )


def test_a_date_token_slack_could_not_read_shows_its_fallback() -> None:
    html = mrkdwn_html("<!date^soon^{date_short_pretty}|Tue 9 Jan 2024 09:00 CET &amp; later>")
    assert html == '<p><span class="date">Tue 9 Jan 2024 09:00 CET &amp; later</span></p>'


# -- blocks and elements ----------------------------------------------------------------------


def test_buttons_keep_their_style_and_selects_pickers_and_overflow_show() -> None:
    html = render(
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": plain("Going"), "style": "primary"},
                {"type": "button", "text": plain("Cancel the series"), "style": "danger"},
                {"type": "button", "text": plain("Maybe")},
                {"type": "static_select", "placeholder": plain("Pick a round"), "options": []},
                {"type": "datepicker", "initial_date": "2024-03-12"},
                {"type": "overflow", "options": []},
            ],
        }
    )
    assert '<span class="button primary">Going</span>' in html
    assert '<span class="button danger">Cancel the series</span>' in html
    assert '<span class="button">Maybe</span>' in html
    assert '<span class="placeholder">Pick a round</span>' in html
    assert "Tue 12 Mar 2024" in html
    assert "⋯" in html


def test_a_section_shows_its_fields_and_accessory() -> None:
    html = render(
        {
            "type": "section",
            "text": mrkdwn("*Jour fixe*"),
            "fields": [mrkdwn("*Going*\n3"), mrkdwn("*Maybe*\n1")],
            "accessory": {
                "type": "static_select",
                "initial_option": {"text": plain("Round 2"), "value": "2"},
                "options": [{"text": plain("Round 2"), "value": "2"}],
            },
        }
    )
    assert html.count('class="field"') == 2
    assert '<div class="accessory"><span class="select static_select">Round 2' in html


def test_context_divider_header_and_image() -> None:
    html = render(
        {"type": "header", "text": plain("Digest :tada:")},
        {"type": "divider"},
        {
            "type": "context",
            "elements": [
                {"type": "image", "image_url": "https://x.org/f.png", "alt_text": "flag of PT"},
                mrkdwn("by <@U0PT>"),
            ],
        },
        {"type": "image", "image_url": "https://x.org/map.png", "alt_text": "Map & legend"},
    )
    assert '<div class="block header">Digest 🎉</div>' in html
    assert '<hr class="block divider">' in html
    assert 'title="flag of PT"' in html and "@Portuguese partner" in html
    assert "Map &amp; legend" in html
    assert "https://x.org" not in html  # the preview stays offline


def test_a_modal_shows_title_inputs_hints_and_its_buttons() -> None:
    view = {
        "type": "modal",
        "title": plain("Country update"),
        "submit": plain("Post update"),
        "close": plain("Cancel"),
        "blocks": [
            {
                "type": "input",
                "label": plain("Achievements"),
                "optional": True,
                "hint": plain("One line is enough"),
                "element": {
                    "type": "plain_text_input",
                    "multiline": True,
                    "placeholder": plain("e.g. 9 cities"),
                },
            },
            {
                "type": "input",
                "label": plain("Audience"),
                "element": {
                    "type": "radio_buttons",
                    "initial_option": {"text": plain("All"), "value": "all"},
                    "options": [
                        {"text": plain("All"), "value": "all"},
                        {"text": plain("Core"), "value": "core"},
                    ],
                },
            },
        ],
    }
    page = modal_page(view)
    assert "<title>Country update</title>" in page
    assert '<div class="label">Achievements <span class="optional">(optional)</span>' in page
    assert '<div class="text-input multiline"><span class="placeholder">e.g. 9 cities' in page
    assert '<div class="hint">One line is enough</div>' in page
    assert "◉" in page and "○" in page
    assert '<span class="button primary">Post update</span>' in page
    assert '<span class="button">Cancel</span>' in page


def test_rich_text_renders_minimally() -> None:
    html = render(
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [
                        {"type": "text", "text": "<b>", "style": {"bold": True}},
                        {"type": "link", "url": "https://a.org", "text": "plan"},
                        {"type": "user", "user_id": "U0PT"},
                    ],
                },
                {
                    "type": "rich_text_list",
                    "style": "ordered",
                    "elements": [{"type": "rich_text_section", "elements": []}],
                },
            ],
        }
    )
    assert "<b>&lt;b&gt;</b>" in html
    assert '<a class="link" href="https://a.org">plan</a>' in html
    assert "<ol><li>" in html


@pytest.mark.parametrize(
    ("block", "shown"),
    [
        ({"type": "carousel", "items": []}, "[block “carousel” is not shown in this preview]"),
        ({"blocks": "no type"}, "[block “(no type)” is not shown"),
        ("not a block", "[block “str” is not shown"),
        (
            {"type": "actions", "elements": [{"type": "workflow_button"}]},
            "[element “workflow_button” is not shown",
        ),
        (
            {"type": "input", "label": plain("Odd"), "element": {"type": "odd_input"}},
            "[input “odd_input” is not shown",
        ),
        ({"type": "<script>"}, "[block “&lt;script&gt;” is not shown"),
    ],
)
def test_an_unknown_block_or_element_shows_a_visible_placeholder(block: Any, shown: str) -> None:
    html = render(block)
    assert 'class="unknown"' in html and shown in html


def test_a_message_page_shows_its_notification_and_who_sees_it() -> None:
    page = message_page(
        "Digest: 2 meetings <!date^0^{date}|x>",
        [],
        where="#announcements",
        bot_name="CapaCITIES bot",
        tz="Europe/Lisbon",
        viewer="Portuguese partner",
        posted_at=datetime(2024, 1, 8, 8, 0, tzinfo=UTC),
        ephemeral=True,
    )
    assert "Notification</span>Digest: 2 meetings Thu 1 Jan 1970" in page
    assert "as Portuguese partner sees it (Europe/Lisbon)" in page
    assert "Only visible to you" in page
    assert '<span class="timestamp">08:00</span>' in page


def test_a_home_page_has_the_home_tab() -> None:
    page = home_page({"type": "home", "blocks": []}, bot_name="CapaCITIES bot")
    assert '<span class="active">Home</span>' in page


# -- the command ------------------------------------------------------------------------------

EXPECTED = {
    "home-partner.html": ("CapaCITIES", "Portuguese partner", 'class="tabs"'),
    "home-coordinator.html": ("CapaCITIES", "Coordinator (FFG)", 'class="tabs"'),
    "digest.html": ("CapaCITIES", "#announcements", "Notification", "Core team meeting"),
    "help.html": ("CapaCITIES", "/consortium", "Only visible to you"),
}


def test_consortium_bot_preview_writes_the_example_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview", str(tmp_path / "docs"), "--no-png"]) == 0
    said = capsys.readouterr().out
    for name, expected in EXPECTED.items():
        page = (tmp_path / "docs" / name).read_text(encoding="utf-8")
        assert f"wrote {tmp_path / 'docs' / name}" in said
        for text in expected:
            assert text in page, (name, text)
        # Everything the bot sends today is a block the preview knows.
        assert 'class="unknown"' not in page, name
        # One stylesheet beside the pages, linked by each, not copied into each.
        assert '<link rel="stylesheet" href="slack.css">' in page and "<style>" not in page
    assert ".message" in (tmp_path / "docs" / "slack.css").read_text(encoding="utf-8")
    assert not list((tmp_path / "docs").glob("*.png"))


def test_pictures_are_skipped_with_a_message_without_a_browser(tmp_path: Path) -> None:
    out = io.StringIO()
    take_pictures([tmp_path / "help.html"], out, browser_finder=lambda: None)
    assert "no Chromium found: PNG pictures skipped" in out.getvalue()
    assert not list(tmp_path.iterdir())


FAKE_BROWSER = """#!/bin/sh
# Stands in for Chromium: says how tall a page is, or writes a picture where asked.
for argument in "$@"; do
  case "$argument" in
    --dump-dom) echo '<body data-height="640">' ;;
    --window-size=*) echo "$argument" >> "$(dirname "$0")/sizes" ;;
    --screenshot=*) printf 'PNG' > "${argument#--screenshot=}" ;;
  esac
done
"""


def test_pictures_are_taken_next_to_the_pages_at_the_pages_height(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = tmp_path / "browser"
    browser.write_text(FAKE_BROWSER)
    browser.chmod(0o755)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "help.html").write_text("<html><body>help</body></html>")
    monkeypatch.chdir(tmp_path)  # as `consortium-bot preview docs` is run, with a relative path
    out = io.StringIO()
    take_pictures([Path("docs/help.html")], out, browser_finder=lambda: str(browser))
    assert (tmp_path / "docs" / "help.png").read_bytes() == b"PNG"
    assert "wrote docs/help.png" in out.getvalue()
    assert (tmp_path / "sizes").read_text().split() == [
        "--window-size=900,400",
        "--window-size=900,640",
    ]
