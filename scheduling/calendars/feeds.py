"""Subscribable calendar feeds: one for the whole consortium and one per audience.

A feed URL carries a random token (it is the only credential a calendar client can send);
the token names an audience, never a person, and is stored so it survives restarts.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from scheduling.calendars.files import feed
from scheduling.clock import Clock
from scheduling.consortium.directory import MemberProfile
from scheduling.meetings.mapping import to_series
from scheduling.vocabulary import FEED_AUDIENCES, Audience
from storage.db import Database
from storage.models import FeedToken


@dataclass(frozen=True)
class FeedDocument:
    body: bytes
    etag: str
    last_modified: datetime | None
    name: str


@dataclass(frozen=True)
class FeedLink:
    audience: Audience
    label: str
    token: str


def feeds_for(profile: MemberProfile) -> list[Audience]:
    """The feeds that concern a member: everything, plus their own audiences."""
    return [a for a in FEED_AUDIENCES if a == Audience.ALL or a.includes(profile)]


class FeedService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def links_for(self, profile: MemberProfile) -> list[FeedLink]:
        """The member's feeds, each with its token (made on first use), in one transaction."""
        audiences = feeds_for(profile)
        # Made once, read ever after: a read transaction does unless a token is missing.
        with self.database.read() as work:
            tokens = work.feeds.for_audiences([a.stored() for a in audiences])
        if all(a.stored() in tokens for a in audiences):
            return [FeedLink(a, a.label, tokens[a.stored()].token) for a in audiences]
        with self.database.write() as work:
            tokens = work.feeds.for_audiences([a.stored() for a in audiences])
            for audience in audiences:
                if audience.stored() not in tokens:
                    token = FeedToken(
                        token=secrets.token_urlsafe(24),
                        audience=audience.stored(),
                        created_at=self.clock.now(),
                    )
                    work.feeds.add(token)
                    tokens[token.audience] = token
            return [FeedLink(a, a.label, tokens[a.stored()].token) for a in audiences]

    def document(self, token: str) -> FeedDocument | None:
        """The feed behind a token, or None for a token nobody was given."""
        with self.database.read() as work:
            found = work.feeds.by_token(token)
            if found is None:
                return None
            audience = Audience.from_stored(found.audience)
            consortium = work.directory.consortium()
            name = consortium.name if consortium else "Consortium"
            roles = {c.code: c.role for c in work.directory.countries()}
            every = [to_series(m) for m in work.meetings.all(include_cancelled=True)]
        series = [s for s in every if s.audience.belongs_in_feed(audience, roles)]
        title = name if audience == Audience.ALL else f"{name}: {audience.label}"
        body = feed(series, title, name)
        last_modified = max((s.updated_at for s in series), default=None)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return FeedDocument(body, etag, last_modified, title)
