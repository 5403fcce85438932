"""Store a validated consortium file: adds and updates, never deletes, and is idempotent.

Rows are matched by their natural keys (country code, Slack user ID, channel purpose,
meeting `id` or kind+title, round title), so importing the same file twice changes nothing.
A meeting keeps its calendar UID for life; a real change raises its SEQUENCE.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from scheduling.clock import Clock
from scheduling.consortium.spec import ConsortiumSpec, MeetingSpec, MemberSpec
from scheduling.meetings.mapping import refresh_next_instants
from scheduling.nudges.plan import plan_nudges
from scheduling.updates.views import consortium_today
from storage.db import Database
from storage.models import (
    Base,
    Channel,
    Consortium,
    Country,
    Meeting,
    Member,
    MemberCountry,
    MemberRoleGrant,
    Round,
)
from storage.repositories import UnitOfWork

UID_DOMAIN = "consortium-bot"


def new_series_uid() -> str:
    return f"{uuid.uuid4()}@{UID_DOMAIN}"


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str, kind: str) -> None:
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        parts = []
        for outcome in ("created", "updated", "unchanged"):
            bucket: dict[str, int] = getattr(self, outcome)
            if bucket:
                parts.append(f"{outcome} " + ", ".join(f"{n} {kind}" for kind, n in bucket.items()))
        return "; ".join(parts) or "nothing to import"


def import_consortium(
    database: Database,
    spec: ConsortiumSpec,
    clock: Clock,
    uid_factory: Callable[[], str] = new_series_uid,
) -> ImportReport:
    """Apply `spec` in one transaction: all of it or (on any error) none of it."""
    report = ImportReport()
    with database.write() as work:
        _Importer(work, report, clock, uid_factory).run(spec)
    return report


class _Importer:
    def __init__(
        self, work: UnitOfWork, report: ImportReport, clock: Clock, uid_factory: Callable[[], str]
    ) -> None:
        self.work = work
        self.directory = work.directory
        self.report = report
        self.clock = clock
        self.uid_factory = uid_factory

    def run(self, spec: ConsortiumSpec) -> None:
        now = self.clock.now()
        self.upsert(
            "consortium",
            self.directory.consortium(),
            Consortium,
            {"id": 1},
            {
                "name": spec.name,
                "timezone": spec.timezone,
                "digest_channel": spec.digest_channel,
                "digest_every": str(spec.digest_every),
                "holidays": spec.holidays.stored() or None,
                "nudges": list(spec.nudges) if spec.nudges is not None else None,
                "retention": spec.retention.stored() or None,
                # The workspace the bot's token belongs to is recorded at start-up; a file
                # that does not name it leaves it be.
                **({"team_id": spec.team_id} if spec.team_id is not None else {}),
            },
        )
        for country in spec.countries:
            self.upsert(
                "countries",
                self.directory.country(country.code),
                Country,
                {"code": country.code},
                {"name": country.name, "role": str(country.role)},
            )
        for purpose, channel_id in spec.channels.items():
            self.upsert(
                "channels",
                self.directory.channel(purpose),
                Channel,
                {"purpose": purpose},
                {"slack_channel_id": channel_id},
            )
        self.work.flush()
        for member in spec.members:
            self.member(member)
        for meeting in spec.meetings:
            self.meeting(meeting)
        for round_spec in spec.rounds:
            self.upsert(
                "rounds",
                self.work.rounds.by_title(round_spec.title),
                Round,
                {"title": round_spec.title, "created_at": now},
                {
                    "opens_on": round_spec.opens_on,
                    "due_on": round_spec.due_on,
                    "audience": round_spec.audience.stored(),
                    "sections": [str(s) for s in round_spec.sections],
                },
            )
        self.plan_nudges(spec)
        consortium = self.directory.consortium()
        if consortium is not None and consortium.set_up_at is None:
            # Taken after every row above, so all that the first import wrote is not after it.
            consortium.set_up_at = self.clock.now()

    def plan_nudges(self, spec: ConsortiumSpec) -> None:
        """When each open round of the file is nudged next, from the consortium's today."""
        self.work.flush()
        today = consortium_today(self.work, self.clock)[1]
        for round_spec in spec.rounds:
            round_ = self.work.rounds.by_title(round_spec.title)
            if round_ is not None and round_.closed_at is None:
                plan_nudges(self.work, round_, today)

    def upsert(
        self,
        kind: str,
        existing: Base | None,
        model: type[Base],
        identity: Mapping[str, object],
        values: Mapping[str, object],
    ) -> bool:
        """Create the row, or update the fields that differ; report which. True if changed."""
        if existing is None:
            self.work.add(model(**identity, **values))
            self.report.count("created", kind)
            return True
        changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
        for key, value in changed.items():
            setattr(existing, key, value)
        self.report.count("updated" if changed else "unchanged", kind)
        return bool(changed)

    def member(self, spec: MemberSpec) -> None:
        slack_id, name, zone = spec.slack_id, spec.name, spec.timezone
        countries, roles, email = spec.countries, spec.roles, spec.email
        existing = self.directory.member(slack_id)
        if existing is None:
            member = Member(
                slack_id=slack_id,
                name=name,
                timezone=zone,
                email=email,
                working_hours=spec.working_hours,
                team_id=spec.team_id,
            )
            member.countries = [
                MemberCountry(country_code=code, position=i) for i, code in enumerate(countries)
            ]
            member.roles = [MemberRoleGrant(role=str(role)) for role in sorted(roles)]
            self.directory.add(member)
            self.report.count("created", "members")
            return
        changed = False
        if (existing.name, existing.timezone, existing.email) != (name, zone, email):
            existing.name, existing.timezone, existing.email = name, zone, email
            if email is None:
                existing.invitations = "off"  # nowhere to send them any more
            changed = True
        if spec.working_hours is not None and existing.working_hours != spec.working_hours:
            # Only hours the file names: a member's own `/consortium hours` otherwise stays.
            existing.working_hours = spec.working_hours
            changed = True
        if existing.team_id != spec.team_id:
            existing.team_id = spec.team_id
            changed = True
        if tuple(existing.country_codes) != countries:
            existing.countries = [
                MemberCountry(country_code=code, position=i) for i, code in enumerate(countries)
            ]
            changed = True
        if sorted(existing.role_names) != sorted(roles):
            existing.roles = [MemberRoleGrant(role=str(role)) for role in sorted(roles)]
            changed = True
        self.report.count("updated" if changed else "unchanged", "members")

    def meeting(self, spec: MeetingSpec) -> None:
        now = self.clock.now()
        values: dict[str, object] = {
            "kind": str(spec.kind),
            "title": spec.title,
            "rrule": spec.rrule,
            "starts_local": spec.starts_local,
            "all_day": spec.all_day,
            "duration_minutes": spec.duration_minutes,
            "ends_local": spec.ends_local,
            "timezone": spec.timezone,
            "location": spec.location,
            "join_url": spec.join_url,
            "channel_purpose": spec.channel_purpose,
            "audience": spec.audience.stored(),
            "reminder_minutes": list(spec.reminder_minutes),
            "agenda_days": spec.agenda_days,
        }
        existing = self.work.meetings.by_import_key(spec.key)
        identity = (
            {
                "uid": self.uid_factory(),
                "import_key": spec.key,
                "sequence": 0,
                "created_at": now,
                "updated_at": now,
            }
            if existing is None
            else {}
        )
        changed = self.upsert("meetings", existing, Meeting, identity, values)
        if existing is not None and changed:
            existing.sequence += 1
            existing.updated_at = now
        self.work.flush()
        meeting = existing or self.work.meetings.by_import_key(spec.key)
        if meeting is not None and (changed or meeting.next_reminder_at is None):
            refresh_next_instants(meeting, now)
