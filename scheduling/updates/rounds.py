"""Collection rounds: a call for country updates with a due date, and who answered it.

Each use case is one transaction. Opening and reminding queue one request a member of each
asked country in the outbox (`scheduling/delivery/requests.py`), in the same transaction, and
return whom they ask and the requests' delivery keys, so the messages go out after the ack.
All but the status are for coordinators; the service checks that itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from scheduling.clock import Clock
from scheduling.consortium.directory import CountryRef, MemberProfile
from scheduling.delivery.requests import QueuedRequest, queue_request
from scheduling.durations import check_planning_date
from scheduling.errors import FieldError, NotAllowedError
from scheduling.language.places import audience_words as audience_words_of
from scheduling.language.words import suggest
from scheduling.updates.exports import RoundReport, report_of
from scheduling.updates.views import RoundStatus, RoundView, consortium_today, statuses
from scheduling.vocabulary import SECTIONS, Audience, MemberRole, VocabularyError
from storage.db import Database
from storage.models import Round
from storage.repositories import UnitOfWork

MAX_TITLE_LENGTH = 200


class RoundError(FieldError):
    """A refused round operation; the message says why."""


@dataclass(frozen=True)
class CountryRequest:
    """One asked country, the members asked for its update (empty: nobody to ask) and the
    delivery key of each one's request."""

    country: CountryRef
    members: tuple[str, ...]
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoundRequests:
    """The DMs a round's opening or reminder sends: one per member of each asked country."""

    round: RoundView
    countries: tuple[CountryRequest, ...]
    reminder: bool
    requested_by: str | None = None

    @property
    def asked(self) -> list[CountryRequest]:
        """The countries with someone to ask."""
        return [request for request in self.countries if request.members]

    @property
    def unlisted(self) -> list[str]:
        """The codes of the countries nobody in the consortium file speaks for."""
        return sorted(request.country.code for request in self.countries if not request.members)


class RoundService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def today(self) -> date:
        with self.database.read() as work:
            return consortium_today(work, self.clock)[1]

    def open(
        self, actor: MemberProfile, title: str, due: date, audience_words: Sequence[str]
    ) -> RoundRequests:
        _check_coordinator(actor, "open")
        check_planning_date(due, "due")
        title = title.strip()
        if not title or len(title) > MAX_TITLE_LENGTH:
            raise RoundError(
                f"A round needs a title of 1 to {MAX_TITLE_LENGTH} characters, in quotes.", "title"
            )
        with self.database.write() as work:
            _, today = consortium_today(work, self.clock)
            if due < today:
                raise RoundError(
                    f"The due date {due:%a %-d %b %Y} is in the past; say a date from today on.",
                    "due",
                )
            if work.rounds.by_title(title) is not None:
                raise RoundError(f"There is already a round called “{title}”.", "title")
            names = {c.code: c.name for c in work.directory.countries()}
            try:
                said = audience_words_of(audience_words, names)
                audience = Audience.parse(said, names, countries_only=True)
            except VocabularyError as error:
                raise RoundError(str(error), "audience") from None
            round_ = Round(
                title=title,
                opens_on=today,
                due_on=due,
                audience=audience.stored(),
                sections=[str(s) for s in SECTIONS],
                created_at=self.clock.now(),
                created_by=actor.slack_id,
            )
            work.rounds.add(round_)
            view = RoundView.of(round_)
            asked = audience.countries({c.code: c.role for c in work.directory.countries()})
            return _requests(
                work,
                view,
                asked,
                reminder=False,
                requested_by=actor.slack_id,
                now=self.clock.now(),
            )

    def resolve(self, reference: str | None) -> RoundView:
        """A round by number or title; without one, the open round opened last."""
        with self.database.read() as work:
            return RoundView.of(_find(work, reference))

    def status(self, reference: str | None) -> tuple[RoundStatus, date]:
        """A round's status, and today's date in the consortium's zone."""
        with self.database.read() as work:
            (found,) = statuses(work, self.clock, [_find(work, reference)])
            return found, consortium_today(work, self.clock)[1]

    def remind(self, actor: MemberProfile, reference: str | None) -> RoundRequests:
        """Whom to remind: the members of every country still missing (none when all answered)."""
        _check_coordinator(actor, "remind")
        with self.database.write() as work:
            round_ = _find(work, reference)
            if round_.closed_at is not None:
                raise RoundError(
                    f"The round “{round_.title}” is closed; there is nobody to remind.", "round"
                )
            (status,) = statuses(work, self.clock, [round_])
            missing = [row.country.code for row in status.missing]
            return _requests(
                work,
                status.round,
                missing,
                reminder=True,
                requested_by=actor.slack_id,
                now=self.clock.now(),
            )

    def close(self, actor: MemberProfile, reference: str | None) -> RoundView:
        _check_coordinator(actor, "close")
        with self.database.write() as work:
            round_ = _find(work, reference)
            if round_.closed_at is not None:
                raise RoundError(f"The round “{round_.title}” is already closed.", "round")
            round_.closed_at = self.clock.now()
            return RoundView.of(round_)

    def report(self, actor: MemberProfile | None, reference: str | None) -> RoundReport:
        """Everything a round's export shows. `actor` None is the operator's command line."""
        if actor is not None:
            _check_coordinator(actor, "export")
        with self.database.read() as work:
            return report_of(work, self.clock, _find(work, reference))

    def open_rounds(self) -> list[RoundView]:
        with self.database.read() as work:
            return [RoundView.of(r) for r in work.rounds.open_rounds()]


def _check_coordinator(actor: MemberProfile, action: str) -> None:
    if not actor.is_coordinator:
        raise NotAllowedError(f"Only coordinators can {action} rounds.")


def _find(work: UnitOfWork, reference: str | None) -> Round:
    if reference is None:
        open_rounds = work.rounds.open_rounds()
        if not open_rounds:
            raise RoundError("No round is open; name one by its number or title.", "round")
        return open_rounds[0]
    found = work.rounds.find(reference)
    if found is None:
        close = suggest(reference, [r.title for r in work.rounds.all()], cutoff=0.6)
        hint = f" Did you mean “{close}”?" if close else ""
        raise RoundError(
            f"There is no round {reference!r}.{hint} `/round status` shows the open one.",
            "round",
        )
    return found


def _requests(
    work: UnitOfWork,
    round_: RoundView,
    codes: Sequence[str],
    *,
    reminder: bool,
    requested_by: str | None,
    now: datetime,
) -> RoundRequests:
    """Ask each country's partners and ambassadors, else any member of it: each request
    queued in this transaction."""
    chosen: dict[str, list[str]] = {code: [] for code in codes}
    fallback: dict[str, list[str]] = {code: [] for code in codes}
    for member in work.directory.members():
        for code in member.country_codes:
            if code not in chosen:
                continue
            fallback[code].append(member.slack_id)
            if {MemberRole.PARTNER, MemberRole.AMBASSADOR} & set(member.role_names):
                chosen[code].append(member.slack_id)
    countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
    asked = []
    for code in codes:
        if code not in countries:
            continue
        members = tuple(chosen[code] or fallback[code])
        keys = tuple(
            queue_request(work, QueuedRequest(round_.id, code, member, reminder), now)
            for member in members
        )
        asked.append(CountryRequest(countries[code], members, keys))
    return RoundRequests(round_, tuple(asked), reminder, requested_by)
