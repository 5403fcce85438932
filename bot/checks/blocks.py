"""Warnings about a date, in words and as questions: a round's due date on a weekend or an
asked country's holiday (Keep / Move / Cancel), a meeting on an audience country's holiday or
outside an audience member's working day (Confirm / Change). Every button that goes on carries the command again, marked as checked."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core import ids
from bot.core.blocks import Message, plain_message
from bot.core.mrkdwn import escape
from bot.core.readings import MAX_BUTTON_VALUE, button, checked_value, question_message
from scheduling.language.dates import in_words
from scheduling.workdays.checking import DuePreview, MeetingPreview
from scheduling.workdays.checks import DueCheck, MeetingCheck

MAX_NAMED = 8  # countries named before the rest are counted
MAX_MEMBERS = 5  # members named out of hours before the rest are counted
MAX_LATER = 3  # a series' later holidays listed
CANCELLED = "Nothing done: the round is not opened. Type `/round open` again with another date."
CHANGE = (
    "Nothing scheduled or moved. Type the command again with another date or time, "
    "or `/meeting` for the form."
)


def day_words(day: date, year_of: date | None = None) -> str:
    """`Saturday 1 May 2027`; without the year when it is `year_of`'s."""
    words = in_words(day)
    return words.removesuffix(f" {day.year}") if year_of and year_of.year == day.year else words


def short_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def codes_named(codes: list[str]) -> str:
    shown = ", ".join(codes[:MAX_NAMED])
    return shown + (f" and {len(codes) - MAX_NAMED} more" if len(codes) > MAX_NAMED else "")


def due_sentence(check: DueCheck, names: dict[str, str]) -> str:
    """`Saturday 1 May 2027 is a weekend, and a public holiday in 13 of the 14 asked
    countries (AT, CZ, …) — keep it or move to Wednesday 5 May?`"""
    what = []
    if check.weekend:
        what.append("a weekend")
    if len(check.holidays) == 1:
        ((code, holiday),) = check.holidays
        what.append(f"a public holiday in {names.get(code, code)} ({holiday})")
    elif check.holidays:
        codes = [code for code, _ in check.holidays]
        what.append(
            f"a public holiday in {len(codes)} of the {check.asked} asked countries "
            f"({codes_named(codes)})"
        )
    return (
        f"{day_words(check.due)} is {', and '.join(what)} — keep it or move to "
        f"{day_words(check.suggestion, check.due)}?"
    )


def due_question(command: str, preview: DuePreview, keep: str, move: str) -> Message:
    """The warning and its buttons: Keep (runs `keep`), Move (runs `move`), Cancel."""
    assert preview.check is not None
    said = due_sentence(preview.check, preview.names)
    values = [checked_value(command, keep), checked_value(command, move)]
    if any(len(value) > MAX_BUTTON_VALUE for value in values):
        return plain_message(f"{said} Nothing done: type the command again with the date.")
    check = preview.check
    buttons = [
        button(f"Keep {short_day(check.due)}", ids.CHECK_KEEP, values[0]),
        button(f"Move to {short_day(check.suggestion)}", ids.CHECK_MOVE, values[1], True),
        button("Cancel", ids.CHECK_CHANGE, command),
    ]
    return _question(said, buttons)


def _question(said: str, buttons: list[dict[str, Any]]) -> Message:
    return question_message(escape(said), "check", buttons)


def _city(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def holiday_sentence(check: MeetingCheck) -> str:
    day = day_words(check.start.date())
    if len(check.holidays) == 1:
        ((code, holiday),) = check.holidays
        return f"{day} is {holiday}, a public holiday in {code}."
    if len(check.holidays) <= 4:
        named = ", ".join(f"{code} ({holiday})" for code, holiday in check.holidays)
        return f"{day} is a public holiday in {named}."
    codes = [code for code, _ in check.holidays]
    return f"{day} is a public holiday in {len(codes)} audience countries: {codes_named(codes)}."


def hours_sentence(check: MeetingCheck, zone: str) -> str:
    """`08:00 Vienna is 07:00 for Portuguese partner (Europe/Lisbon) and 02:00 for …`"""
    found = check.out_of_hours
    each = [f"{o.start:%H:%M}–{o.end:%H:%M} for {o.name} ({o.zone})" for o in found[:MAX_MEMBERS]]
    if len(found) > MAX_MEMBERS:
        each.append(f"{len(found) - MAX_MEMBERS} more")
    listed = ", ".join(each[:-1]) + " and " + each[-1] if len(each) > 1 else each[0]
    return f"{check.start:%H:%M} {_city(zone)} is {listed}: outside 08:00–18:00 in their zone."


def meeting_sentence(preview: MeetingPreview) -> str:
    return " ".join(meeting_sentences(preview))


def meeting_sentences(preview: MeetingPreview) -> list[str]:
    """What is wrong with the meeting, a sentence each: holidays, hours, a series' year."""
    check = preview.check
    said = []
    if check.holidays:
        said.append(holiday_sentence(check))
    if check.out_of_hours:
        said.append(hours_sentence(check, preview.zone))
    if check.later:
        listed = "; ".join(
            f"{short_day(day)} ({', '.join(codes)})" for day, codes in check.later[:MAX_LATER]
        )
        more = ", …" if len(check.later) > MAX_LATER else ""
        said.append(
            f"{len(check.later)} of the next {check.later_count} fall on a holiday: {listed}{more}."
        )
    return said


def meeting_question(command: str, preview: MeetingPreview, again: str, doing: str) -> Message:
    """The warning and its buttons: Confirm (runs `again` as checked) and Change."""
    said = f"{meeting_sentence(preview)} {doing} anyway?"
    value = checked_value(command, again)
    if len(value) > MAX_BUTTON_VALUE:
        return plain_message(f"{said} {CHANGE}")
    buttons = [
        button("Confirm", ids.CHECK_KEEP, value, True),
        button("Change", ids.CHECK_CHANGE, command),
    ]
    return _question(said, buttons)


def change_answer(command: str) -> str:
    return CANCELLED if command == "/round" else CHANGE
