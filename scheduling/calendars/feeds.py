"""Subscribable calendar feeds: one for the whole consortium and one per audience.

A feed URL carries a random token (the only credential a calendar client can send). Each
member has their own token per audience they may see, made on first use and stored, so one
leaked link is revoked (its row deleted) without touching anyone else's; what a feed holds is
still the audience's. Tokens without a member are the audience-wide links handed out before
links were personal: they keep working (subscribed calendars do not break) until a
coordinator revokes them. A revoked token is simply unknown: the server answers 404.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from scheduling.calendars.files import feed
from scheduling.clock import Clock
from scheduling.consortium.directory import CountryRef, MemberProfile
from scheduling.errors import NotAllowedError
from scheduling.meetings.mapping import to_series
from scheduling.vocabulary import FEED_AUDIENCES, Audience
from storage.db import Database
from storage.models import FeedToken
from storage.repositories import UnitOfWork


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


@dataclass(frozen=True)
class FeedReset:
    """A member's links replaced: whose, how many old ones stopped working, the new ones."""

    member: MemberProfile
    revoked: int
    links: tuple[FeedLink, ...]


@dataclass(frozen=True)
class FeedCensus:
    """The links that work: personal ones (and how many members hold them), and the
    audience-wide ones from before personal links."""

    personal: int
    members: int
    shared: int


def feeds_for(profile: MemberProfile) -> list[Audience]:
    """The feeds that concern a member: everything, plus their own audiences."""
    return [a for a in FEED_AUDIENCES if a == Audience.ALL or a.includes(profile)]


def new_feed_token() -> str:
    """32 URL-safe characters (192 random bits): not guessable, short enough for a URL."""
    return secrets.token_urlsafe(24)


class FeedService:
    def __init__(
        self, database: Database, clock: Clock, new_token: Callable[[], str] = new_feed_token
    ) -> None:
        self.database = database
        self.clock = clock
        self.new_token = new_token

    def links_for(self, profile: MemberProfile) -> list[FeedLink]:
        """The member's own links to the feeds that concern them (made on first use)."""
        audiences = feeds_for(profile)
        # Made once, read ever after: a read transaction does unless a token is missing.
        with self.database.read() as work:
            tokens = work.feeds.of_member(profile.slack_id)
        if all(a.stored() in tokens for a in audiences):
            return [FeedLink(a, a.label, tokens[a.stored()].token) for a in audiences]
        with self.database.write() as work:
            return self._issue(work, profile, audiences)

    def reset(self, actor: MemberProfile, member: MemberProfile) -> FeedReset:
        """Revoke every link of `member` at once and issue new ones, in one transaction.
        A member resets their own; only coordinators another's (a leaked link)."""
        self.check_reset(actor, member)
        with self.database.write() as work:
            revoked = work.feeds.revoke_member(member.slack_id)
            links = self._issue(work, member, feeds_for(member))
        return FeedReset(member, revoked, tuple(links))

    def check_reset(self, actor: MemberProfile, member: MemberProfile) -> None:
        """Refuse (NotAllowedError) a reset of someone else's links by anyone but a coordinator."""
        if actor.slack_id != member.slack_id and not actor.is_coordinator:
            raise NotAllowedError("Only coordinators can reset another member's feed links.")

    def shared_links(self, actor: MemberProfile) -> int:
        """How many audience-wide links from before personal links still work."""
        _check_coordinator(actor)
        with self.database.read() as work:
            return work.feeds.shared_count()

    def revoke_shared(self, actor: MemberProfile) -> int:
        """Revoke every audience-wide link from before personal links; how many there were."""
        _check_coordinator(actor)
        with self.database.write() as work:
            return work.feeds.revoke_shared()

    def census(self, actor: MemberProfile) -> FeedCensus:
        """The links that work, counted, for the coordinators' status."""
        _check_coordinator(actor, "see the bot's status")
        with self.database.read() as work:
            personal, members = work.feeds.personal_counts()
            shared = work.feeds.shared_count()
        return FeedCensus(personal, members, shared)

    def _issue(
        self, work: UnitOfWork, profile: MemberProfile, audiences: list[Audience]
    ) -> list[FeedLink]:
        """The member's tokens for `audiences`, made where missing, in `work`'s transaction."""
        tokens = work.feeds.of_member(profile.slack_id)
        missing = [a for a in audiences if a.stored() not in tokens]
        for audience in missing:
            work.feeds.add_unless_taken(
                FeedToken(
                    token=self.new_token(),
                    audience=audience.stored(),
                    member_id=profile.slack_id,
                    created_at=self.clock.now(),
                )
            )
        if missing:  # another first use at the same moment may have stored some first
            tokens = work.feeds.of_member(profile.slack_id)
        return [FeedLink(a, a.label, tokens[a.stored()].token) for a in audiences]

    def document(self, token: str) -> FeedDocument | None:
        """The feed behind a token, or None for a token nobody holds (never given, or revoked)
        or whose holder is no longer in its audience."""
        with self.database.read() as work:
            found = work.feeds.by_token(token)
            if found is None:
                return None
            audience = Audience.from_stored(found.audience)
            countries = work.directory.countries()
            if found.member_id is not None:
                # A personal link serves its holder only while Slack has not deactivated
                # them, and their audience only while they are in it (a work-package leader
                # no more no longer reads the leaders' calendar).
                member = work.directory.member(found.member_id)
                if member is None or member.deactivated_at is not None:
                    return None
                refs = {c.code: CountryRef.of(c) for c in countries}
                profile = MemberProfile.of(member, refs)
                if audience != Audience.ALL and not audience.includes(profile):
                    return None
            consortium = work.directory.consortium()
            name = consortium.name if consortium else "Consortium"
            roles = {c.code: c.role for c in countries}
            every = [to_series(m) for m in work.meetings.all(include_cancelled=True)]
        series = [s for s in every if s.audience.belongs_in_feed(audience, roles)]
        title = name if audience == Audience.ALL else f"{name}: {audience.label}"
        body = feed(series, title, name)
        last_modified = max((s.updated_at for s in series), default=None)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return FeedDocument(body, etag, last_modified, title)


def _check_coordinator(
    actor: MemberProfile, what: str = "reset the shared feed links from before"
) -> None:
    if not actor.is_coordinator:
        raise NotAllowedError(f"Only coordinators can {what}.")
