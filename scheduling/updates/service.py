"""Country updates: submitted through the form or as a one-line note, edited with history.

Text is stored exactly as typed (escaping is the business of whoever displays it). Only a
member of a country, or a coordinator, may post or edit for that country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from scheduling.clock import Clock
from scheduling.consortium.directory import CountryRef, MemberProfile
from storage.db import Database
from storage.models import CountryUpdate, Round, UpdateRevision
from storage.repositories import DirectoryRepository, RoundRepository, UpdateRepository

SECTIONS = ("achievements", "challenges", "objectives", "needs", "events")
SECTION_LABELS = {
    "achievements": "Achievements",
    "challenges": "Challenges",
    "objectives": "Planned objectives and actions",
    "needs": "Needs from the consortium",
    "events": "Upcoming national events",
    "links": "Links",
    "note": "Note",
}
FIELDS = (*SECTIONS, "links", "note")
# Slack's plain_text_input allows at most 3,000 characters; a note is held to the same so it
# can be edited in the form.
MAX_FIELD_LENGTH = 3000
MAX_NOTE_LENGTH = 3000


class UpdateError(ValueError):
    """A refused update; the message says why, for the person who tried."""


@dataclass(frozen=True)
class RoundRef:
    id: int
    title: str


@dataclass(frozen=True)
class UpdateView:
    id: int
    country: CountryRef
    round: RoundRef | None
    author_id: str
    fields: dict[str, str]
    created_at: datetime
    updated_at: datetime
    posted_channel: str | None = None
    posted_ts: str | None = None
    revisions: int = 0

    @property
    def filled(self) -> list[str]:
        return [name for name in FIELDS if self.fields.get(name, "").strip()]

    @property
    def first_line(self) -> str:
        for name in ("note", *SECTIONS):
            text = self.fields.get(name, "").strip()
            if text:
                return text.splitlines()[0]
        return ""


@dataclass(frozen=True)
class UpdateDraft:
    country_code: str
    round_id: int | None
    fields: dict[str, str] = field(default_factory=dict)


def _country(session: Session, code: str) -> CountryRef:
    country = DirectoryRepository(session).country(code)
    if country is None:
        raise UpdateError(f"{code!r} is not one of the consortium's countries")
    return CountryRef(country.code, country.name, country.role)


def to_view(
    session: Session, update: CountryUpdate, countries: dict[str, CountryRef] | None = None
) -> UpdateView:
    """The update as plain values; pass `countries` when converting many, to read them once."""
    round_ref = None
    if update.round_id is not None:
        found = RoundRepository(session).get(update.round_id)
        if found is not None:
            round_ref = RoundRef(found.id, found.title)
    return UpdateView(
        id=update.id,
        country=(countries or {}).get(update.country_code)
        or _country(session, update.country_code),
        round=round_ref,
        author_id=update.author_id,
        fields={name: getattr(update, name) or "" for name in FIELDS},
        created_at=update.created_at,
        updated_at=update.updated_at,
        posted_channel=update.posted_channel,
        posted_ts=update.posted_ts,
        revisions=len(update.revisions),
    )


def round_countries(session: Session, round_: Round) -> list[str]:
    """The country codes a round asks, from its audience."""
    countries = DirectoryRepository(session).countries()
    audience = round_.audience
    if audience.startswith("countries:"):
        return audience.removeprefix("countries:").split(",")
    if audience in ("core", "supporting"):
        return [c.code for c in countries if c.role == audience]
    return [c.code for c in countries]


class UpdateService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def __deepcopy__(self, memo: dict[int, object]) -> UpdateService:
        return self  # shared by all requests, like the engine it holds

    def countries_for(self, profile: MemberProfile) -> list[CountryRef]:
        """The countries a member may post for: their own, or all of them for a coordinator."""
        if not profile.is_coordinator:
            return list(profile.countries)
        with self.database.read() as session:
            own = [c.code for c in profile.countries]
            every = [
                CountryRef(c.code, c.name, c.role) for c in DirectoryRepository(session).countries()
            ]
        return sorted(every, key=lambda c: (c.code not in own, c.name))

    def may_post(self, profile: MemberProfile, country_code: str) -> bool:
        return profile.is_coordinator or profile.speaks_for(country_code)

    def open_rounds(self, country_codes: list[str] | None = None) -> list[RoundRef]:
        with self.database.read() as session:
            found = []
            for round_ in RoundRepository(session).open_rounds():
                asked = round_countries(session, round_)
                if country_codes is None or any(code in asked for code in country_codes):
                    found.append(RoundRef(round_.id, round_.title))
            return found

    def submit(self, profile: MemberProfile, draft: UpdateDraft) -> UpdateView:
        fields = _clean(draft.fields)
        if not any(fields.get(name) for name in (*SECTIONS, "note")):
            raise UpdateError("Fill in at least one section.")
        now = self.clock.now()
        with self.database.write() as session:
            self._check_may_post(profile, draft.country_code)
            _country(session, draft.country_code)
            if draft.round_id is not None:
                self._check_round(session, draft.round_id, draft.country_code)
            update = CountryUpdate(
                country_code=draft.country_code,
                round_id=draft.round_id,
                author_id=profile.slack_id,
                created_at=now,
                updated_at=now,
                **{name: fields.get(name, "") for name in FIELDS},
            )
            session.add(update)
            session.flush()
            return to_view(session, update)

    def note(self, profile: MemberProfile, text: str) -> UpdateView:
        """A one-line note; `XX: text` names the country for members of several countries."""
        body = text.strip()
        match = re.match(r"([A-Za-z]{2})\s*:\s*(.+)", body, re.DOTALL)
        codes = [c.code for c in self.countries_for(profile)]
        known = self._country_codes()
        if match and match[1].upper() in codes:
            country, body = match[1].upper(), match[2].strip()
        elif match and match[1].upper() in known:
            raise UpdateError(
                f"You can post only for {', '.join(codes) or 'no country'}, not {match[1].upper()}."
            )
        elif len(profile.countries) == 1:
            country = profile.countries[0].code
        elif not profile.countries:
            raise UpdateError("You have no country; start the note with one, e.g. `PT: …`")
        else:
            options = ", ".join(f"`{c.code}: …`" for c in profile.countries)
            raise UpdateError(
                f"You speak for several countries; start the note with one: {options}"
            )
        if len(body) > MAX_NOTE_LENGTH:
            raise UpdateError(
                f"A note holds at most {MAX_NOTE_LENGTH} characters; use `/update` for more."
            )
        return self.submit(profile, UpdateDraft(country, None, {"note": body}))

    def edit(self, profile: MemberProfile, update_id: int, fields: dict[str, str]) -> UpdateView:
        """Change an update, keeping a revision with who changed what and the earlier text."""
        cleaned = _clean(fields)
        now = self.clock.now()
        with self.database.write() as session:
            update = UpdateRepository(session).get(update_id)
            if update is None:
                raise UpdateError(f"There is no update #{update_id}.")
            self._check_may_post(profile, update.country_code)
            changes = {
                name: [getattr(update, name), value]
                for name, value in cleaned.items()
                if name in FIELDS and getattr(update, name) != value
            }
            after = {name: cleaned.get(name, getattr(update, name)) for name in FIELDS}
            if not any(after[name] for name in (*SECTIONS, "note")):
                raise UpdateError("Fill in at least one section.")
            if changes:
                for name, (_, value) in changes.items():
                    setattr(update, name, value)
                update.updated_at = now
                update.revisions.append(
                    UpdateRevision(editor_id=profile.slack_id, edited_at=now, changes=changes)
                )
            session.flush()
            return to_view(session, update)

    def get(self, update_id: int) -> UpdateView:
        with self.database.read() as session:
            update = UpdateRepository(session).get(update_id)
            if update is None:
                raise UpdateError(f"There is no update #{update_id}.")
            return to_view(session, update)

    def history(self, update_id: int) -> list[tuple[str, datetime, dict[str, list[str]]]]:
        with self.database.read() as session:
            update = UpdateRepository(session).get(update_id)
            if update is None:
                raise UpdateError(f"There is no update #{update_id}.")
            return [(r.editor_id, r.edited_at, dict(r.changes)) for r in update.revisions]

    def recent(
        self,
        *,
        limit: int = 10,
        country_code: str | None = None,
        round_id: int | None = None,
        author_id: str | None = None,
    ) -> list[UpdateView]:
        with self.database.read() as session:
            found = UpdateRepository(session).recent(
                limit=limit, country_code=country_code, round_id=round_id, author_id=author_id
            )
            return [to_view(session, u) for u in found]

    def find_round(self, reference: str) -> RoundRef | None:
        """Any round, open or closed, by number or title."""
        text = reference.strip().lstrip("#")
        with self.database.read() as session:
            rounds = RoundRepository(session)
            found = (
                rounds.get(int(text))
                if text.isdecimal() and text.isascii()
                else rounds.by_title(reference.strip())
            )
            return RoundRef(found.id, found.title) if found else None

    def record_post(self, update_id: int, channel: str, ts: str) -> None:
        with self.database.write() as session:
            update = UpdateRepository(session).get(update_id)
            if update is not None:
                update.posted_channel, update.posted_ts = channel, ts

    def resolve_country(self, text: str) -> CountryRef | None:
        """A country by code or (case-insensitive) name."""
        with self.database.read() as session:
            for country in DirectoryRepository(session).countries():
                if text.upper() == country.code or text.casefold() == country.name.casefold():
                    return CountryRef(country.code, country.name, country.role)
        return None

    def _country_codes(self) -> set[str]:
        with self.database.read() as session:
            return {c.code for c in DirectoryRepository(session).countries()}

    def _check_may_post(self, profile: MemberProfile, country_code: str) -> None:
        if not self.may_post(profile, country_code):
            raise UpdateError(
                f"Only members for {country_code} and coordinators can post or edit its updates."
            )

    def _check_round(self, session: Session, round_id: int, country_code: str) -> None:
        round_ = RoundRepository(session).get(round_id)
        if round_ is None:
            raise UpdateError(f"There is no round #{round_id}.")
        if round_.closed_at is not None:
            raise UpdateError(f"The round “{round_.title}” is closed.")
        if country_code not in round_countries(session, round_):
            raise UpdateError(f"The round “{round_.title}” does not ask {country_code}.")


def _clean(fields: dict[str, str]) -> dict[str, str]:
    """Keep text as typed, but refuse what no Slack field could have sent."""
    cleaned = {}
    for name, value in fields.items():
        if name not in FIELDS:
            continue
        text = value or ""
        limit = MAX_NOTE_LENGTH if name == "note" else MAX_FIELD_LENGTH
        if len(text) > limit:
            raise UpdateError(f"{SECTION_LABELS[name]} holds at most {limit} characters.")
        cleaned[name] = text if text.strip() else ""
    return cleaned
