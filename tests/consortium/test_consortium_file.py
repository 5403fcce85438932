"""The consortium file: the example is accepted as is; every kind of error is named by line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.consortium.file import (
    MAX_FILE_BYTES,
    ConsortiumFileError,
    load_consortium_file,
    parse_consortium_text,
)
from scheduling.meetings.recurrence import describe_rrule
from tests.support import EXAMPLE_FILE, ROOT, SHARED_EXAMPLE_FILE

MINIMAL = """\
consortium:
  name: Test
  timezone: Europe/Vienna
  channels:
    announcements: C0ANNOUNCE
countries:
  - {code: AT, name: Austria, role: core}
  - {code: NO, name: Norway, role: supporting}
members:
  - {slack_id: U0A, name: Anna, country: AT, roles: [coordinator], timezone: Europe/Vienna}
"""


def test_the_example_file_is_accepted_as_it_is() -> None:
    spec = load_consortium_file(EXAMPLE_FILE)
    assert spec.name == "CapaCITIES"
    assert len(spec.countries) == 14
    assert {m.slack_id for m in spec.members} >= {"U0COORD1", "U0COORD2", "U0TR"}
    jour_fixe = next(m for m in spec.meetings if m.kind == "jour-fixe")
    assert jour_fixe.rrule == "FREQ=MONTHLY;BYDAY=1TH"
    assert jour_fixe.starts_local == datetime(2024, 1, 4, 10, 0)
    assert jour_fixe.reminder_minutes == (1440, 60)
    physical = next(m for m in spec.meetings if m.kind == "physical")
    assert physical.all_day and physical.timezone == "Europe/Bucharest"
    assert spec.rounds[0].sections == ("achievements", "challenges", "objectives", "needs")


def test_the_project_copy_and_the_embedded_copy_equal_the_shared_example() -> None:
    embedded = ROOT / "bot" / "local" / "capacities.yaml"
    assert embedded.read_bytes() == EXAMPLE_FILE.read_bytes()
    if SHARED_EXAMPLE_FILE.exists():
        assert SHARED_EXAMPLE_FILE.read_bytes() == EXAMPLE_FILE.read_bytes()


def test_a_member_may_have_an_email_address() -> None:
    text = MINIMAL.replace("name: Anna,", "name: Anna, email: Anna Example <anna@example.org>,")
    (member,) = parse_consortium_text(text).members
    assert member.email == "anna@example.org"


def test_norway_stays_a_country_code_and_is_not_read_as_false() -> None:
    spec = parse_consortium_text(MINIMAL)
    assert [c.code for c in spec.countries] == ["AT", "NO"]


def _problems(text: str) -> list[str]:
    with pytest.raises(ConsortiumFileError) as caught:
        parse_consortium_text(text, "consortium.yaml")
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (
            ("country: AT, roles", "country: XX, roles"),
            "consortium.yaml:10: unknown country code 'XX'",
        ),
        (
            ("timezone: Europe/Vienna}", "timezone: Europe/Viena}"),
            "consortium.yaml:10: 'Europe/Viena' is not a time zone",
        ),
        (("{code: AT,", "{code: EL,"), "consortium.yaml:7: 'EL' is not an ISO 3166-1 country code"),
        (("role: supporting", "role: observer"), "consortium.yaml:8: country role 'observer'"),
        (("roles: [coordinator]", "roles: [boss]"), "consortium.yaml:10: role 'boss'"),
        (
            ("name: Test", "nmae: Test"),
            "unknown key 'nmae' in the consortium section (did you mean 'name'?)",
        ),
        (
            ("name: Anna", "name: " + "A" * 201),
            "consortium.yaml:10: 'name' in the member on line 10 is 201 characters; 200 at most",
        ),
        (
            ("name: Austria", "name: " + "A" * 101),
            "'name' in the country on line 7 is 101 characters; 100 at most",
        ),
        (("slack_id: U0A", "slack_id: U" + "0" * 40), "is 41 characters; 32 at most"),
        (
            ("name: Anna,", "name: Anna, email: anna@192.168.1.10,"),
            "consortium.yaml:10: '192.168.1.10' is an address or has no top-level domain",
        ),
        (("name: Anna,", "name: Anna, email: anna,"), "'anna' is not a mail address"),
        (
            ("name: Anna,", 'name: "Anna\\nBcc: x@y.org",'),
            "'name' in the member on line 10 must be one line",
        ),
    ],
)
def test_each_error_names_file_line_and_reason(mutation: tuple[str, str], expected: str) -> None:
    old, new = mutation
    assert old in MINIMAL
    problems = _problems(MINIMAL.replace(old, new))
    assert any(expected in p for p in problems), problems


def test_a_duplicate_member_is_rejected_with_both_lines() -> None:
    text = MINIMAL + "  - {slack_id: U0A, name: Anna again, country: AT}\n"
    assert _problems(text) == ["consortium.yaml:11: member U0A is listed twice (first on line 10)"]


def test_a_bad_date_in_a_round_is_rejected() -> None:
    text = MINIMAL + "rounds:\n  - {title: R, opens: 2024-02-30, due: 2024-03-10}\n"
    assert _problems(text) == [
        "consortium.yaml:12: cannot read '2024-02-30' as a date (YYYY-MM-DD)"
    ]


def test_a_meeting_at_a_time_the_clocks_skip_is_refused() -> None:
    text = MINIMAL + (
        "meetings:\n"
        "  - kind: core-team\n"
        "    title: Night owls\n"
        "    repeat: weekly on sunday\n"
        "    start: 2026-03-29 02:30\n"
        "    duration: 30m\n"
    )
    problems = _problems(text)
    assert problems == [
        "consortium.yaml:15: 02:30 does not exist in Europe/Vienna on 2026-03-29 "
        "(the clocks skip that hour); choose another time"
    ]


def test_a_meeting_whose_start_is_not_on_its_rule_is_refused() -> None:
    text = MINIMAL + (
        "meetings:\n"
        "  - {kind: jour-fixe, title: JF, repeat: monthly on the first thursday,"
        " start: 2024-01-05 10:00, duration: 1h}\n"
    )
    assert _problems(text) == [
        "consortium.yaml:12: start 2024-01-05 is not itself an occurrence of the repeat rule"
        " (its first is 2024-02-01)"
    ]


@pytest.mark.parametrize(
    "rule",
    [
        "rrule FREQ=DAILY;BYSETPOS=2",  # dateutil would search until the year 9999
        "rrule FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31",
        "rrule FREQ=WEEKLY;BYDAY=MO;UNTIL=20231231",
    ],
)
def test_a_meeting_whose_rule_never_meets_is_refused(rule: str) -> None:
    text = MINIMAL + (
        "meetings:\n"
        f"  - {{kind: webinar, title: Never, repeat: '{rule}', start: 2024-01-01 10:00,"
        " duration: 1h}\n"
    )
    assert _problems(text) == [
        "consortium.yaml:12: the repeat rule has no occurrence in the 10 years from 2024-01-01"
    ]


def test_a_fifth_monday_rule_is_read_and_described() -> None:
    text = MINIMAL + (
        "meetings:\n"
        "  - {kind: webinar, title: Fifth, repeat: 'rrule FREQ=MONTHLY;BYDAY=5MO',"
        " start: 2024-01-29 10:00, duration: 1h}\n"
    )
    (meeting,) = parse_consortium_text(text).meetings
    assert describe_rrule(meeting.rrule) == "monthly on the fifth monday"


def test_meetings_and_rounds_far_out_or_too_long_are_refused() -> None:
    text = MINIMAL + (
        "meetings:\n"
        "  - {kind: webinar, title: End, start: 9999-12-31 10:00, duration: 1h}\n"
        "  - {kind: webinar, title: Long, start: 2027-01-04 10:00, duration: 99999999999999h}\n"
        "  - {kind: webinar, title: Early, start: 2027-01-04 10:00, duration: 1h,"
        " reminders: [99999999999999w]}\n"
        f"  - {{kind: webinar, title: {'T' * 251}, start: 2027-01-04 10:00, duration: 1h}}\n"
        "rounds:\n"
        "  - {title: R, opens: 2027-01-01, due: 9999-12-31}\n"
    )
    problems = _problems(text)
    assert problems == [
        "consortium.yaml:12: 9999-12-31 is outside the dates I plan in (2000 to 2199)",
        "consortium.yaml:13: '99999999999999h' is too long: the duration can be 4w at most",
        "consortium.yaml:14: '99999999999999w' is too long: the reminder can be 13w at most",
        "consortium.yaml:15: 'title' in the meeting on line 15 is 251 characters; 250 at most",
        "consortium.yaml:17: 9999-12-31 is outside the dates I plan in (2000 to 2199)",
    ], problems


def test_all_problems_are_reported_at_once() -> None:
    text = MINIMAL.replace("country: AT", "country: XX").replace("Europe/Vienna}", "Mars/Base}")
    assert len(_problems(text)) == 2


def test_broken_yaml_names_the_line() -> None:
    problems = _problems("consortium:\n  name: [unclosed\n")
    assert problems[0].startswith("consortium.yaml:")
    assert "not valid YAML" in problems[0]


def test_a_missing_file_is_a_clear_problem(tmp_path: Path) -> None:
    with pytest.raises(ConsortiumFileError) as caught:
        load_consortium_file(tmp_path / "nope.yaml")
    assert "no such file" in str(caught.value)


def test_deep_nesting_and_alias_bombs_are_refused_before_anything_is_built() -> None:
    assert _problems("[" * 100_000) == ["consortium.yaml:1: nested more than 32 levels deep"]
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    (problem,) = _problems(laughs)
    assert problem.endswith(": holds more than 200,000 values (aliases expanded)")


def test_aliases_for_shared_values_are_read() -> None:
    # PyYAML's dumper writes shared lists this way.
    text = MINIMAL.replace("roles: [coordinator]", "roles: &lead [coordinator]") + (
        "  - {slack_id: U0B, name: Bea, country: AT, roles: *lead, timezone: Europe/Vienna}\n"
    )
    members = parse_consortium_text(text).members
    assert [(m.slack_id, [str(r) for r in m.roles]) for m in members] == [
        ("U0A", ["coordinator"]),
        ("U0B", ["coordinator"]),
    ]


def test_an_endless_or_huge_file_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    with pytest.raises(ConsortiumFileError) as caught:
        load_consortium_file(Path("/dev/zero"))
    assert str(caught.value.problems[0]) == "/dev/zero: larger than 1024 KiB; is it the right file?"
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * MAX_FILE_BYTES)
    with pytest.raises(ConsortiumFileError):
        load_consortium_file(big)


@given(st.text(max_size=300))
def test_any_text_is_either_a_consortium_or_a_list_of_problems(text: str) -> None:
    try:
        parse_consortium_text(text)
    except ConsortiumFileError as error:
        assert error.problems
        assert all(p.reason for p in error.problems)


LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "2024-02-30",
            "9999-12-31 25:00",
            "Mars/Base",
            "rrule FREQ=DAILY;BYSETPOS=2",
            "monthly on the fifth monday",
            "99999999w",
            "ZZ",
            "all",
            "wp-lead",
            "<!channel>",
        ]
    ),
    st.lists(st.text(max_size=8), max_size=3),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=2),
)


def _leaves(node: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaves(v, (*path, k))] or [path]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaves(v, (*path, i))] or [path]
    return [path]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_example_with_any_values_changed_is_a_consortium_or_a_list_of_problems(
    data: st.DataObject,
) -> None:
    document = yaml.safe_load(EXAMPLE_FILE.read_text(encoding="utf-8"))
    paths = _leaves(document)
    for path in data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=4)):
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = data.draw(LEAVES)
    try:
        parse_consortium_text(yaml.safe_dump(document, allow_unicode=True))
    except ConsortiumFileError as error:
        assert error.problems and all(p.reason for p in error.problems)
