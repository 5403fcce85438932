"""Subscribable calendar feeds: one for the whole consortium and one per audience.

A feed URL carries a random token (it is the only credential a calendar client can send);
the token names an audience, never a person, and is stored so it survives restarts.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from scheduling.clock import Clock
from scheduling.consortium.directory import MemberProfile
from scheduling.meetings.calendar import feed
from scheduling.meetings.mapping import to_series
from scheduling.meetings.occurrences import Series
from storage.db import Database
from storage.models import FeedToken
from storage.repositories import DirectoryRepository, FeedTokenRepository, MeetingRepository

AUDIENCE_LABELS = {
    "all": "Whole consortium",
    "core": "Core countries",
    "supporting": "Supporting countries",
    "wp-lead": "Work-package and task leaders",
}


@dataclass(frozen=True)
class FeedDocument:
    body: bytes
    etag: str
    last_modified: datetime | None
    name: str


@dataclass(frozen=True)
class FeedLink:
    audience: str
    label: str
    token: str


def in_audience(series: Series, audience: str, country_roles: dict[str, str]) -> bool:
    """Whether a meeting belongs in the feed of `audience`; the `all` feed has every meeting."""
    if audience == "all" or series.audience == "all" or series.audience == audience:
        return True
    if series.audience.startswith("countries:"):
        codes = series.audience.removeprefix("countries:").split(",")
        return any(country_roles.get(code) == audience for code in codes)
    return False


class FeedService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def __deepcopy__(self, memo: dict[int, object]) -> FeedService:
        return self  # shared by all requests, like the engine it holds

    def links_for(self, profile: MemberProfile) -> list[FeedLink]:
        """The feeds that concern a member: everything, plus their own audiences."""
        audiences = ["all"]
        audiences += sorted({c.role for c in profile.countries})
        if "wp-lead" in profile.roles or profile.is_coordinator:
            audiences.append("wp-lead")
        return [FeedLink(a, AUDIENCE_LABELS[a], self.token_for(a)) for a in audiences]

    def token_for(self, audience: str) -> str:
        with self.database.write() as session:
            tokens = FeedTokenRepository(session)
            existing = tokens.by_audience(audience)
            if existing is not None:
                return existing.token
            token = secrets.token_urlsafe(24)
            session.add(FeedToken(token=token, audience=audience, created_at=self.clock.now()))
            return token

    def document(self, token: str) -> FeedDocument | None:
        """The feed behind a token, or None for a token nobody was given."""
        with self.database.read() as session:
            found = FeedTokenRepository(session).by_token(token)
            if found is None:
                return None
            directory = DirectoryRepository(session)
            consortium = directory.consortium()
            name = consortium.name if consortium else "Consortium"
            roles = {c.code: c.role for c in directory.countries()}
            every = [to_series(m) for m in MeetingRepository(session).all(include_cancelled=True)]
            series = [s for s in every if in_audience(s, found.audience, roles)]
            audience = found.audience
        title = name if audience == "all" else f"{name}: {AUDIENCE_LABELS[audience]}"
        body = feed(series, title, name)
        last_modified = max((s.updated_at for s in series), default=None)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return FeedDocument(body, etag, last_modified, title)
