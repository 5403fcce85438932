"""The /meeting language: what it reads, and that anything else is a named GrammarError."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.meetings.grammar import (
    Cancel,
    Edit,
    GrammarError,
    Move,
    NextMeetings,
    OpenForm,
    Schedule,
    parse_meeting_command,
)

TODAY = date(2024, 1, 1)


def test_the_three_examples_of_the_issue() -> None:
    jour_fixe = parse_meeting_command(
        'schedule jour-fixe "Jour fixe" monthly on the first thursday from 2024-01-04 at 10:00 for 1h tz Europe/Vienna',
        TODAY,
    )
    assert isinstance(jour_fixe, Schedule)
    assert jour_fixe.request.rrule == "FREQ=MONTHLY;BYDAY=1TH"
    assert (jour_fixe.request.first_date, jour_fixe.request.at) == (date(2024, 1, 4), time(10, 0))
    assert jour_fixe.request.explicit_from
    quarterly = parse_meeting_command(
        'schedule consortium "Online consortium meeting" quarterly on the second thursday from 2024-01-11 at 10:00 for 2h',
        TODAY,
    )
    assert isinstance(quarterly, Schedule)
    assert quarterly.request.rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TH"
    assert quarterly.request.duration_minutes == 120
    webinar = parse_meeting_command(
        'schedule webinar "Alliance webinar: national governance" once on 2024-02-15 at 14:00 for 90m',
        TODAY,
    )
    assert isinstance(webinar, Schedule)
    assert webinar.request.rrule is None
    assert not webinar.request.explicit_from


def test_slack_escaping_and_smart_quotes_are_undone() -> None:
    parsed = parse_meeting_command(
        "schedule webinar “R&amp;D &lt;news&gt;” once on 2024-02-15 at 14:00 in <#C0ANNOUNCE|announcements>",
        TODAY,
    )
    assert isinstance(parsed, Schedule)
    assert parsed.request.title == "R&D <news>"
    assert parsed.request.channel == "C0ANNOUNCE"


def test_other_subcommands() -> None:
    assert parse_meeting_command("", TODAY) == OpenForm()
    assert parse_meeting_command("next", TODAY) == NextMeetings(None)
    assert parse_meeting_command("cancel #4", TODAY) == Cancel(4, None)
    assert parse_meeting_command("move 4 2024-03-07 to 2024-03-08", TODAY) == Move(
        4, date(2024, 3, 7), date(2024, 3, 8), None
    )
    assert parse_meeting_command("edit 4 title Partners' day", TODAY) == Edit(
        4, "title", "Partners' day"
    )


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("schedule webinar 'x' once on 2024-13-01 at 10:00", "'2024-13-01'"),
        ('schedule webinar "x" weekly on funday at 10:00', "'funday'"),
        ('schedule webinar "x" monthly on the sixth monday at 10:00', "'sixth'"),
        ('schedule webinar "x" once on 2024-02-01 at 10:00 for ages', "'ages'"),
        ('schedule webinar "x" once on 2024-02-01 at 10:00 with cake', "'with cake'"),
        ("cancel three", "'three'"),
        ("cancel ²", "'²'"),  # a digit to str.isdigit(), not to int()
        ("who 12345678901234567890123", "'12345678901234567890123'"),
        ("edit 99999999999 title x", "'99999999999'"),
        ("move -3 2024-03-07 to 2024-03-08", "'-3'"),
        ("next party", "'party'"),
    ],
)
def test_the_word_that_could_not_be_read_is_named(text: str, word: str) -> None:
    with pytest.raises(GrammarError) as caught:
        parse_meeting_command(text, TODAY)
    assert word in caught.value.reason
    assert caught.value.usage.startswith("/meeting")
    assert caught.value.example.startswith("/meeting")


@given(st.text(max_size=200))
def test_any_text_is_a_command_or_a_grammar_error(text: str) -> None:
    try:
        parse_meeting_command(text, TODAY)
    except GrammarError as error:
        assert error.reason


@given(
    st.lists(
        st.sampled_from(
            [
                "schedule",
                "webinar",
                '"T"',
                "once",
                "on",
                "2024-02-15",
                "at",
                "10:00",
                "for",
                "1h",
                "tz",
                "Europe/Vienna",
                "in",
                "#x",
                "weekly",
                "monday",
                "rrule",
                "FREQ=DAILY",
            ]
        ),
        max_size=14,
    )
)
def test_any_mix_of_the_words_is_a_command_or_a_grammar_error(words: list[str]) -> None:
    try:
        parse_meeting_command(" ".join(words), TODAY)
    except GrammarError as error:
        assert error.reason
