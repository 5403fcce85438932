"""Every row that any column of `storage.repositories.privacy.people.MEMBER_ID_COLUMNS` names a
member by is in that member's `/consortium my-data` file, so a table added to that list is
never left out of it; and nothing of anyone else, nor a feed link's secret, is."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from storage.meeting_records import (
    ActionItem,
    Agenda,
    Attendance,
    OccurrenceLink,
    Topic,
    TopicSupport,
)
from storage.models import (
    AwayPeriod,
    CountryUpdate,
    Delivery,
    Erasure,
    FeedToken,
    Meeting,
    Round,
    Rsvp,
    UpdateRevision,
)
from storage.repositories.privacy.people import MEMBER_ID_COLUMNS
from tests.privacy.support import COORDINATOR, NOW, PORTUGUESE, ask, exported, summary_of


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


# -- every row that names the member ----------------------------------------------------------

OCCURRENCE = datetime(2026, 3, 5, 10, 0)
SECRET_TOKEN = "feed-token-that-must-never-be-exported"


def every_kind_of_row(workspace: LocalWorkspace, member: str) -> None:
    """One row of each table that names `member`, written as the features would."""
    at = NOW
    with workspace.database.write() as work:
        profile = work.directory.member(member)
        assert profile is not None
        profile.email = "pt.partner@example.org"
        meeting = Meeting(
            uid="mine@example.org", kind="workshop", title="Portuguese workshop",
            starts_local=datetime(2026, 4, 1, 14, 0), timezone="Europe/Lisbon",
            created_at=at, updated_at=at, created_by=member, reminder_minutes=[],
        )  # fmt: skip
        round_ = Round(
            title="Spring round", opens_on=date(2026, 3, 1), due_on=date(2026, 3, 20),
            created_at=at, created_by=member,
        )  # fmt: skip
        update = CountryUpdate(country_code="PT", author_id=member, created_at=at, updated_at=at)
        topic = Topic(
            meeting_id=1, occurrence_local=OCCURRENCE, title="Roadmaps", proposed_by=member,
            country_code="PT", created_at=at,
        )  # fmt: skip
        for row in (meeting, round_, update, topic):
            work.add(row)
        work.flush()
        rows = [
            AwayPeriod(member_id=member, first_day=date(2026, 8, 1), last_day=date(2026, 8, 9),
                       created_at=at),
            FeedToken(token=SECRET_TOKEN, audience="PT", member_id=member, created_at=at),
            UpdateRevision(update_id=update.id, editor_id=member, edited_at=at,
                           changes={"note": ["a", "b"]}),
            Rsvp(meeting_id=1, occurrence_local=OCCURRENCE, member_id=member, answer="maybe",
                 answered_at=at),
            Delivery(key=f"reminder:x:{member}", kind="reminder", channel=member, due_at=at,
                     status="sent", created_at=at, payload={"meeting": 1}),
            Delivery(key=f"mail:x:{member}", kind="mail", channel="PT.Partner@example.org",
                     due_at=at, status="pending", created_at=at,
                     payload={"member": member, "requested_by": COORDINATOR}),
            TopicSupport(topic_id=topic.id, country_code="PT", member_id=member, created_at=at),
            Agenda(meeting_id=1, occurrence_local=OCCURRENCE, published_by=member,
                   published_at=at, updated_at=at, text="1. Roadmaps"),
            Attendance(meeting_id=1, occurrence_local=OCCURRENCE, person_key=member,
                       member_id=member, name="Portuguese partner", source="button",
                       created_at=at),
            Attendance(meeting_id=1, occurrence_local=OCCURRENCE, person_key="guest:ana",
                       name="Ana Guest", source="marked", guest=True, recorded_by=member,
                       created_at=at),
            Attendance(meeting_id=2, occurrence_local=datetime(2026, 3, 10, 9, 30),
                       person_key="guest:pt.partner@example.org", name="PT Partner (Zoom)",
                       email="pt.partner@example.org", source="import", guest=True,
                       created_at=at),
            OccurrenceLink(meeting_id=1, occurrence_local=OCCURRENCE, kind="minutes",
                           url="https://docs.example.org/minutes", added_by=member,
                           created_at=at),
            ActionItem(text="Mine", member_id=member, created_by=COORDINATOR, created_at=at),
            ActionItem(text="Made", country_code="GR", created_by=member, created_at=at),
            ActionItem(text="Closed", country_code="AT", created_by=COORDINATOR,
                       status="done", done_by=member, done_at=at, created_at=at),
            Erasure(erased_at=at, country_codes="GR", requested_by=member),
        ]  # fmt: skip
        for row in rows:
            work.add(row)


def _ids(data: dict[str, Any], *parts: str) -> set[int]:
    return {record["id"] for part in parts for record in data[part]}


# Where each table's rows that name the member are in the file.
IN_THE_FILE = {
    "members": lambda row, data: data["profile"]["slack_id"] == row.slack_id,
    "member_countries": lambda row, data: (
        row.country_code in [c["code"] for c in data["profile"]["countries"]]
    ),
    "member_roles": lambda row, data: row.role in data["profile"]["roles"],
    "feed_tokens": lambda row, data: row.audience in [f["audience"] for f in data["feed_links"]],
    "away_periods": lambda row, data: row.id in _ids(data, "days_away"),
    "meetings": lambda row, data: row.id in _ids(data, "meetings_created"),
    "rounds": lambda row, data: row.id in _ids(data, "rounds_created"),
    "updates": lambda row, data: row.id in _ids(data, "updates_written"),
    "update_revisions": lambda row, data: row.id in _ids(data, "update_edits"),
    "rsvps": lambda row, data: row.id in _ids(data, "rsvps"),
    "deliveries": lambda row, data: row.id in _ids(data, "deliveries"),
    "meeting_topics": lambda row, data: row.id in _ids(data, "topics_proposed"),
    "topic_supports": lambda row, data: row.id in _ids(data, "topics_supported"),
    "agendas": lambda row, data: row.id in _ids(data, "agendas_published"),
    "attendance": lambda row, data: row.id in _ids(data, "attendance", "attendance_recorded"),
    "occurrence_links": lambda row, data: row.id in _ids(data, "links_added"),
    "action_items": lambda row, data: row.id in _ids(data, "action_items"),
    "erasures": lambda row, data: row.id in _ids(data, "erasures_requested"),
}


def test_every_row_any_column_names_the_member_by_is_in_the_file(
    workspace: LocalWorkspace,
) -> None:
    every_kind_of_row(workspace, PORTUGUESE)
    ask(workspace, PORTUGUESE)
    data, content = exported(workspace, PORTUGUESE)
    with workspace.database.read() as work:
        for column in MEMBER_ID_COLUMNS:
            model = column.class_
            table = model.__tablename__
            assert table in IN_THE_FILE, f"{table} names members: say where it is in the file"
            rows = list(work.session.scalars(select(model).where(column == PORTUGUESE)))
            assert rows, f"no {table} row names the member by {column.key}: add one above"
            for row in rows:
                assert IN_THE_FILE[table](row, data), f"{table} row by {column.key} missing"
        mailed = work.session.scalars(select(Delivery).where(Delivery.kind == "mail")).one()
    assert mailed.id in _ids(data, "deliveries")  # addressed by e-mail, any letter case
    imported = [a for a in data["attendance"] if a["source"] == "import"]
    assert [a["email"] for a in imported] == ["pt.partner@example.org"]
    guest = next(a for a in data["attendance_recorded"] if a["attendee"] != "you")
    assert guest["attendee"] == "a guest" and guest["name"] is None
    text = content.decode("utf-8")
    assert SECRET_TOKEN not in text and "Ana Guest" not in text and COORDINATOR not in text
    summary = summary_of(workspace, PORTUGUESE)
    assert len(summary["blocks"]) <= 50
