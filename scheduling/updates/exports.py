"""A round's report, read in one transaction for its documents (`documents.py`), and the
JSON export imported back into an empty database unchanged."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from scheduling.clock import Clock
from scheduling.errors import FieldError
from scheduling.privacy.former import former_words
from scheduling.updates.views import RoundStatus, UpdateView, statuses, to_view
from scheduling.vocabulary import FIELDS
from storage.db import Database
from storage.models import (
    Consortium,
    Country,
    CountryUpdate,
    Member,
    MemberCountry,
    MemberRoleGrant,
    Round,
    UpdateRevision,
)
from storage.repositories import UnitOfWork

EXPORT_FORMAT = "consortium-bot/round-export"
EXPORT_VERSION = 1


class ExportError(FieldError):
    """An export or a JSON import that cannot be done; the message says why."""


@dataclass(frozen=True)
class RoundReport:
    consortium: str
    timezone: str
    status: RoundStatus
    updates: tuple[UpdateView, ...]
    authors: dict[str, str]
    revisions: dict[int, list[dict[str, Any]]]
    members: tuple[dict[str, Any], ...]
    countries: tuple[dict[str, str], ...]

    @property
    def title(self) -> str:
        return self.status.round.title


def build_report(database: Database, clock: Clock, round_id: int) -> RoundReport:
    """Everything the round's exports show, read in one transaction."""
    with database.read() as work:
        round_ = work.rounds.get(round_id)
        if round_ is None:
            raise ExportError(f"There is no round #{round_id}.", "round")
        return report_of(work, clock, round_)


def report_of(work: UnitOfWork, clock: Clock, round_: Round) -> RoundReport:
    round_id = round_.id
    (status,) = statuses(work, clock, [round_])
    directory = work.directory
    consortium = directory.consortium()
    found = work.updates.in_rounds([round_id])
    updates = tuple(to_view(u) for u in found)
    revisions = {
        u.id: [
            {
                "editor_id": r.editor_id,
                "edited_at": r.edited_at.isoformat(),
                "changes": r.changes,
            }
            for r in u.revisions
        ]
        for u in found
    }
    people: set[str] = {u.author_id for u in found}
    people |= {r.editor_id for u in found for r in u.revisions}
    members = []
    authors = {}
    for member in sorted(directory.members(sorted(people)), key=lambda m: m.slack_id):
        slack_id = member.slack_id
        authors[slack_id] = member.name
        members.append(
            {
                "slack_id": member.slack_id,
                "name": member.name,
                "timezone": member.timezone,
                "countries": member.country_codes,
                "roles": member.role_names,
            }
        )
    for slack_id in people:
        words = former_words(slack_id)
        if words is not None:  # an erased member's mark: how every export names them
            authors[slack_id] = words
    needed = {row.country.code for row in status.countries}
    needed |= {code for member in members for code in member["countries"]}
    countries = tuple(
        {"code": c.code, "name": c.name, "role": c.role}
        for c in directory.countries()
        if c.code in needed
    )
    return RoundReport(
        consortium=consortium.name if consortium else "Consortium",
        timezone=consortium.timezone if consortium else "UTC",
        status=status,
        updates=updates,
        authors=authors,
        revisions=revisions,
        members=tuple(members),
        countries=countries,
    )


def import_json(database: Database, clock: Clock, text: str) -> str:
    """Load a round exported as JSON; refuses a round whose title already exists."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExportError(f"not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise ExportError(f"not a round export (its 'format' is not {EXPORT_FORMAT!r})")
    if document.get("version") != EXPORT_VERSION:
        raise ExportError(f"export version {document.get('version')!r} is not supported")
    try:
        return _load(database, clock, document)
    except (KeyError, TypeError, ValueError) as error:
        raise ExportError(f"the export is incomplete or damaged: {error!r}") from None


def _load(database: Database, clock: Clock, document: dict[str, Any]) -> str:
    round_data = document["round"]
    with database.write() as work:
        directory = work.directory
        if work.rounds.by_title(round_data["title"]) is not None:
            raise ExportError(f"a round called “{round_data['title']}” already exists", "round")
        if directory.consortium() is None:
            directory.add(
                Consortium(id=1, name=document["consortium"], timezone=document["timezone"])
            )
        for country in document["countries"]:
            if directory.country(country["code"]) is None:
                directory.add(
                    Country(code=country["code"], name=country["name"], role=country["role"])
                )
        work.flush()
        for member in document["members"]:
            if directory.member(member["slack_id"]) is None:
                added = Member(
                    slack_id=member["slack_id"], name=member["name"], timezone=member["timezone"]
                )
                added.countries = [
                    MemberCountry(country_code=c, position=i)
                    for i, c in enumerate(member["countries"])
                ]
                added.roles = [MemberRoleGrant(role=r) for r in member["roles"]]
                directory.add(added)
        round_ = Round(
            title=round_data["title"],
            opens_on=date.fromisoformat(round_data["opens_on"]),
            due_on=date.fromisoformat(round_data["due_on"]),
            audience=round_data["audience"],
            sections=list(round_data["sections"]),
            closed_at=clock.now() if round_data["closed"] else None,
            created_at=clock.now(),
        )
        work.rounds.add(round_)
        for entry in document["updates"]:
            update = CountryUpdate(
                country_code=entry["country_code"],
                round_id=round_.id,
                author_id=entry["author_id"],
                created_at=datetime.fromisoformat(entry["created_at"]),
                updated_at=datetime.fromisoformat(entry["updated_at"]),
                posted_channel=entry.get("posted_channel"),
                posted_ts=entry.get("posted_ts"),
                **{str(name): entry["fields"].get(name, "") for name in FIELDS},
            )
            update.revisions = [
                UpdateRevision(
                    editor_id=r["editor_id"],
                    edited_at=datetime.fromisoformat(r["edited_at"]),
                    changes=r["changes"],
                )
                for r in entry["revisions"]
            ]
            work.add(update)
        return f"round “{round_.title}” with {len(document['updates'])} updates"
