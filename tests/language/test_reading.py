"""The one reader of dates, times, durations and repeats: every form the issue lists, read
the European way from a Monday (7 Dec 2026), and each refusal naming the word it could not
read, what it expected and an example."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduling.durations import parse_duration_minutes
from scheduling.language.dates import already_past, nearest, read_date
from scheduling.language.places import audience_words, find_country, find_zone
from scheduling.language.repeats import read_repeat
from scheduling.language.times import read_time
from scheduling.language.words import split_words
from scheduling.vocabulary import VocabularyError

MONDAY = date(2026, 12, 7)
COUNTRIES = {"CZ": "Czech Republic", "GR": "Greece", "NL": "Netherlands", "PT": "Portugal"}
COUNTRIES |= {"TR": "Türkiye"}


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2027-12-19", date(2027, 12, 19)),
        ("19/12/2027", date(2027, 12, 19)),
        ("19.12.2027", date(2027, 12, 19)),
        ("19-12-27", date(2027, 12, 19)),
        ("19 Dec 2027", date(2027, 12, 19)),
        ("19 December", date(2026, 12, 19)),
        ("Dec 19", date(2026, 12, 19)),
        ("December 19, 2027", date(2027, 12, 19)),
        ("the 19th of December", date(2026, 12, 19)),
        ("Dec 1", date(2027, 12, 1)),  # passed this year: next year's
        ("today", MONDAY),
        ("tomorrow", date(2026, 12, 8)),
        ("thursday", date(2026, 12, 10)),
        ("monday", date(2026, 12, 14)),  # never today
        ("in 3 weeks", date(2026, 12, 28)),
        ("in 10 days", date(2026, 12, 17)),
        ("in a month", date(2027, 1, 7)),
        ("29/02", date(2028, 2, 29)),
    ],
)
def test_dates_as_people_write_them(typed: str, day: date) -> None:
    reading = read_date(typed, MONDAY)
    assert reading.day == day
    assert reading.other is None


def test_what_reads_two_ways_keeps_the_other_reading() -> None:
    assert read_date("03/04/2027", MONDAY).day == date(2027, 4, 3)  # day first
    assert read_date("03/04/2027", MONDAY).other == date(2027, 3, 4)
    assert read_date("next thursday", MONDAY).day == date(2026, 12, 10)
    assert read_date("next thursday", MONDAY).other == date(2026, 12, 17)
    # On a Friday, next thursday can only be the one of the coming week.
    assert read_date("next thursday", date(2026, 12, 11)).other is None
    assert read_date("04/04/2027", MONDAY).other is None


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("19/13/2027", ["'19/13/2027'", "13 is not a month", "day first"]),
        ("31/02/2027", ["February 2027 has no day 31"]),
        ("decmber 19", ["'decmber'", "did you mean 'December'"]),
        ("next thursdy", ["did you mean 'thursday'"]),
        ("soon", ["'soon'", "e.g. 2027-12-19, 19/12/2027, 19 Dec 2027, tomorrow"]),
        ("in 3 fortnights", ["in 3 days, in 2 weeks"]),
    ],
)
def test_a_date_that_cannot_be_read_is_named_with_examples(typed: str, words: list[str]) -> None:
    with pytest.raises(VocabularyError) as caught:
        read_date(typed, MONDAY)
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize(
    ("typed", "at"),
    [
        ("10:00", time(10)),
        ("10.00", time(10)),
        ("10am", time(10)),
        ("10 am", time(10)),
        ("2:30 pm", time(14, 30)),
        ("2.30 p.m.", time(14, 30)),
        ("12pm", time(12)),
        ("12am", time(0)),
        ("10h30", time(10, 30)),
        ("14", time(14)),
        ("noon", time(12)),
    ],
)
def test_times_as_people_write_them(typed: str, at: time) -> None:
    assert read_time(typed) == at


def test_a_bare_early_hour_is_asked_about_not_guessed() -> None:
    with pytest.raises(VocabularyError, match=r"morning or the afternoon.*3am, 3pm or 15:00"):
        read_time("3")
    with pytest.raises(VocabularyError, match="there is no hour 25"):
        read_time("25:00")
    with pytest.raises(VocabularyError, match="the hour is 1 to 12"):
        read_time("13pm")


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("90m", 90),
        ("1h30", 90),
        ("1h30m", 90),
        ("90 min", 90),
        ("90 minutes", 90),
        ("1 hour 30 minutes", 90),
        ("1 hour and 30 minutes", 90),
        ("1.5h", 90),
        ("1,5 hours", 90),
        ("1:30", 90),
        ("2 hrs", 120),
        ("half an hour", 30),
        ("an hour", 60),
        ("1 day", 1440),
    ],
)
def test_durations_as_people_write_them(typed: str, minutes: int) -> None:
    assert parse_duration_minutes(typed) == minutes


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("every tuesday", "FREQ=WEEKLY;BYDAY=TU"),
        ("weekly on tuesdays", "FREQ=WEEKLY;BYDAY=TU"),
        ("every other tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("fortnightly on friday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ("weekly on monday and thursday", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("daily", "FREQ=DAILY"),
        ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("monthly on the first thursday", "FREQ=MONTHLY;BYDAY=1TH"),
        ("every month on the first thursday", "FREQ=MONTHLY;BYDAY=1TH"),
        ("the first thursday of every month", "FREQ=MONTHLY;BYDAY=1TH"),
        ("every first thursday", "FREQ=MONTHLY;BYDAY=1TH"),
        ("quarterly on the last friday", "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR"),
        ("every 3 months on the 2nd monday", "FREQ=MONTHLY;INTERVAL=3;BYDAY=2MO"),
        ("once", None),
    ],
)
def test_repeats_as_people_say_them(typed: str, rule: str | None) -> None:
    assert read_repeat(typed) == rule


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("weekly on tuesdy", "did you mean 'tuesday'"),
        ("monthly on the frist thursday", "did you mean 'first'"),
        ("wekly on tuesday", "did you mean 'weekly'"),
    ],
)
def test_a_misspelt_repeat_word_gets_the_closest(typed: str, hint: str) -> None:
    with pytest.raises(VocabularyError, match=hint):
        read_repeat(typed)


def test_countries_audiences_and_zones_by_the_names_people_use() -> None:
    assert [find_country(name, COUNTRIES) for name in ("Turkey", "türkiye", "Czechia")] == [
        "TR",
        "TR",
        "CZ",
    ]
    assert [find_country(name, COUNTRIES) for name in ("Holland", "EL", "pt")] == ["NL", "GR", "PT"]
    with pytest.raises(VocabularyError, match=r"did you mean Portugal \(PT\)"):
        find_country("Portgual", COUNTRIES)
    assert audience_words(["core", "countries"], COUNTRIES) == ["core"]
    assert audience_words(["Portugal", "and", "Czech", "Republic"], COUNTRIES) == ["PT", "CZ"]
    with pytest.raises(VocabularyError, match="did you mean 'core countries'"):
        audience_words(["cor", "countries"], COUNTRIES)
    assert find_zone("vienna") == "Europe/Vienna"
    with pytest.raises(VocabularyError, match="did you mean Europe/Vienna"):
        find_zone("Europe/Viena")


def test_typographic_quotes_and_apostrophes() -> None:
    words = split_words("schedule webinar “in person” Partners’ day")
    assert [(w, w.quoted) for w in words] == [
        ("schedule", False),
        ("webinar", False),
        ("in person", True),
        ("Partners'", False),
        ("day", False),
    ]


@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_named_refusal(text: str) -> None:
    for read in (lambda t: read_date(t, MONDAY), read_time, read_repeat, parse_duration_minutes):
        try:
            read(text)
        except VocabularyError as error:
            assert str(error)


@pytest.mark.parametrize(
    ("typed", "today", "past", "near"),
    [
        ("1 Dec", date(2026, 12, 7), date(2026, 12, 1), date(2026, 12, 1)),
        ("20 Dec", date(2026, 12, 7), date(2025, 12, 20), date(2026, 12, 20)),
        ("thursday", date(2026, 12, 7), date(2026, 12, 3), date(2026, 12, 10)),
        ("friday", date(2026, 12, 7), date(2026, 12, 4), date(2026, 12, 4)),
        ("4 Jan 2027", date(2026, 12, 7), date(2027, 1, 4), date(2027, 1, 4)),
        ("in 3 days", date(2026, 12, 7), date(2026, 12, 10), date(2026, 12, 10)),
        ("29 Feb", date(2028, 3, 1), date(2028, 2, 29), date(2028, 2, 29)),
    ],
)
def test_a_day_gone_by_and_the_nearest_day(typed: str, today: date, past: date, near: date) -> None:
    day = read_date(typed, today).day
    assert already_past(day, typed, today) == past
    assert nearest(day, typed, today) == near
