"""Erasure where members resemble each other: two members of one country who got the same
invitation by e-mail, and two members who share a name. Each erasure takes exactly its
member's rows, and the second erasure of a country works like the first."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.composition import compose_domain
from scheduling.clock import FixedClock
from scheduling.consortium.file import load_consortium_file
from scheduling.consortium.importer import import_consortium
from storage.db import Database
from storage.meeting_records import Attendance
from storage.models import Delivery, Meeting
from tests.support import EXAMPLE_FILE

NOW = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)
INVITATION = "mail:1:2:changed:20240102T090000Z:"


@pytest.fixture
def namesakes(tmp_path: Path) -> Path:
    """The example file, where the Portuguese partner is Ana Silva; a Romanian Ana Silva and
    a second Portuguese member, Rui Costa, join."""
    data = yaml.safe_load(EXAMPLE_FILE.read_text(encoding="utf-8"))
    for member in data["members"]:
        if member["slack_id"] == "U0PT":
            member.update(name="Ana Silva", email="Ana.Silva@uni.example.pt")
    data["members"] += [
        {"slack_id": "U0RO2", "name": "Ana Silva", "country": "RO", "email": "ana@ro.example"},
        {"slack_id": "U0PT3", "name": "Rui Costa", "country": "PT", "email": "rui@pt.example"},
    ]
    path = tmp_path / "namesakes.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_two_members_of_one_country_who_got_one_invitation_are_both_erased(
    database: Database, namesakes: Path
) -> None:
    clock = FixedClock(NOW)
    import_consortium(database, load_consortium_file(namesakes), clock)
    domain = compose_domain(database, clock)
    with database.write() as work:
        for member, address in (("U0PT", "ana.silva@uni.example.pt"), ("U0PT3", "rui@pt.example")):
            work.deliveries.enqueue(
                INVITATION + member,
                kind="mail",
                channel=address,
                now=clock.now(),
                payload={"member": member},
            )
    coordinator = domain.directory.load().profiles["U0COORD1"]
    domain.erasure.erase(coordinator, "U0PT")
    with database.read() as work:
        left = {d.key: d.channel for d in work.session.scalars(select(Delivery))}
    assert left == {INVITATION + "U0PT3": "rui@pt.example"}  # hers went; his is untouched
    domain.erasure.erase(coordinator, "U0PT3")
    with database.read() as work:
        assert work.session.scalars(select(Delivery)).all() == []


def test_erasing_one_ana_silva_keeps_the_other_ones_attendance(
    database: Database, namesakes: Path
) -> None:
    clock = FixedClock(NOW)
    import_consortium(database, load_consortium_file(namesakes), clock)
    domain = compose_domain(database, clock)
    with database.write() as work:
        meeting = work.session.scalars(select(Meeting.id)).first()
        occurrence = datetime(2024, 1, 4, 10, 0)
        rows = [
            ("U0RO2", "U0RO2", "ana@ro.example"),  # the Romanian Ana, by button
            ("U0PT", "U0PT", None),  # the Portuguese Ana, by button
            (None, "guest:Ana Silva", None),  # a report's guest under exactly her name
        ]
        for member_id, key, email in rows:
            work.add(
                Attendance(
                    meeting_id=meeting,
                    occurrence_local=occurrence,
                    person_key=key,
                    member_id=member_id,
                    name="Ana Silva",
                    email=email,
                    source="button" if member_id else "import",
                    created_at=clock.now(),
                )
            )
    domain.erasure.erase(domain.directory.load().profiles["U0COORD1"], "U0PT")
    with database.read() as work:
        left = [(a.member_id, a.name) for a in work.session.scalars(select(Attendance))]
    assert left == [("U0RO2", "Ana Silva")]
