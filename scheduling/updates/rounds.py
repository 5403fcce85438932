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
from scheduling.language.dates import short_date
from scheduling.language.places import audience_words as audience_words_of
from scheduling.language.words import suggest
from scheduling.nudges.plan import plan_nudges
from scheduling.nudges.status import with_calendars
from scheduling.undo import UndoError, check_in_time
from scheduling.updates.exports import RoundReport, report_of
from scheduling.updates.views import (
    RoundStatus,
    RoundView,
    asked_members,
    consortium_today,
    statuses,
)
from scheduling.vocabulary import SECTIONS, Audience, VocabularyError
from scheduling.workdays.quiet import hold_until
from storage.db import Database
from storage.models import Round
from storage.repositories import UnitOfWork

MAX_TITLE_LENGTH = 200


class RoundError(FieldError):
    """A refused round operation; the message says why."""


class RoundChoiceError(RoundError):
    """No round named while several are open: the caller is asked which (`rounds`)."""

    def __init__(self, rounds: Sequence[RoundView]) -> None:
        titles = ", ".join(f"#{r.id} “{r.title}”" for r in rounds)
        super().__init__(f"{len(rounds)} rounds are open ({titles}); say which by its number.")
        self.rounds = tuple(rounds)


@dataclass(frozen=True)
class CountryRequest:
    """One asked country, the members asked for its update (empty: nobody to ask) and the
    delivery key of each one's request."""

    country: CountryRef
    members: tuple[str, ...]
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class WaitingRequest:
    """A member whose request waits, and from when it goes, in their own zone."""

    name: str
    until: datetime
    zone: str


@dataclass(frozen=True)
class RoundRequests:
    """The DMs a round's opening or reminder sends: one per member of each asked country."""

    round: RoundView
    countries: tuple[CountryRequest, ...]
    reminder: bool
    requested_by: str | None = None
    # The DMs that wait for their member's working hours (or the end of their days away).
    waiting: tuple[WaitingRequest, ...] = ()

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
                f"A round needs a title of 1 to {MAX_TITLE_LENGTH} characters.", "title"
            )
        with self.database.write() as work:
            _, today = consortium_today(work, self.clock)
            if due < today:
                raise RoundError(
                    f"The due date {short_date(due)} is in the past; say a date from today on.",
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
            plan_nudges(work, round_, today)  # when its first nudges are queued
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
            return RoundView.of(_find(work, reference, newest=True))

    def status(self, reference: str | None) -> tuple[RoundStatus, date]:
        """A round's status (without a reference, of the open round opened last), and today's
        date in the consortium's zone."""
        with self.database.read() as work:
            (found,) = statuses(work, self.clock, [_find(work, reference, newest=True)])
            today = consortium_today(work, self.clock)[1]
            return with_calendars(work, found, today), today  # nudges, days left, away

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

    def close_preview(self, actor: MemberProfile, reference: str | None) -> RoundStatus:
        """What closing a round would do (who has not answered yet), for its confirmation."""
        _check_coordinator(actor, "close")
        with self.database.read() as work:
            round_ = _open(_find(work, reference))
            (status,) = statuses(work, self.clock, [round_])
            return status

    def close(self, actor: MemberProfile, reference: str | None) -> RoundView:
        """Close a round: no more updates for it. Its view's `version` names this closing
        for an undo."""
        _check_coordinator(actor, "close")
        with self.database.write() as work:
            named = _find(work, reference)
            # Locked, and as stored now: a closing made meanwhile is seen, not overwritten.
            round_ = _open(work.rounds.get_to_change(named.id) or named)
            round_.closed_at = self.clock.now()
            round_.version += 1
            round_.next_nudge_at = None  # a closed round nudges nobody
            return RoundView.of(round_)

    def reopen(self, actor: MemberProfile, round_id: int, version: int) -> RoundView:
        """Undo the closing that left the round at `version`: the same round open again with
        the same answers; refused once it was reopened or closed again since, or once the
        window has passed."""
        _check_coordinator(actor, "reopen")
        with self.database.write() as work:
            round_ = work.rounds.get_to_change(round_id)
            if round_ is None:
                raise UndoError(f"Round #{round_id} is gone; there is nothing to reopen.")
            name = f"Round #{round_.id} “{round_.title}”"
            if round_.closed_at is None:
                raise UndoError(f"{name} is open already; `/round status {round_.id}` shows it.")
            if round_.version != version:
                raise UndoError(
                    f"{name} was reopened and closed again after this, so this Undo no longer "
                    "applies; `/round status` shows how it stands."
                )
            instead = (
                "Updates can still be posted outside the round with `/update`, or open a new "
                "round with `/round open`."
            )
            check_in_time(round_.closed_at, self.clock.now(), f"{name} was closed", instead)
            round_.closed_at = None
            round_.version += 1
            plan_nudges(work, round_, consortium_today(work, self.clock)[1])
            return RoundView.of(round_)

    def report(self, actor: MemberProfile | None, reference: str | None) -> RoundReport:
        """Everything a round's export shows. `actor` None is the operator's command line
        (which, told no round, takes the open round opened last)."""
        if actor is not None:
            _check_coordinator(actor, "export")
        with self.database.read() as work:
            found = _find(work, reference, newest=actor is None)
            return report_of(work, self.clock, found)

    def open_rounds(self) -> list[RoundView]:
        with self.database.read() as work:
            return [RoundView.of(r) for r in work.rounds.open_rounds()]


def _check_coordinator(actor: MemberProfile, action: str) -> None:
    if not actor.is_coordinator:
        raise NotAllowedError(f"Only coordinators can {action} rounds.")


def _find(work: UnitOfWork, reference: str | None, *, newest: bool = False) -> Round:
    """A round by number or title. Without one: the only open round; when several are open,
    the one opened last if `newest`, else RoundChoiceError asks which."""
    if reference is None:
        # When the newest will do, only it is read (the first in that order).
        open_rounds = work.rounds.open_rounds(limit=1 if newest else None)
        if not open_rounds:
            raise RoundError("No round is open; name one by its number or title.", "round")
        if len(open_rounds) > 1 and not newest:
            raise RoundChoiceError([RoundView.of(r) for r in open_rounds])
        return open_rounds[0]
    found = work.rounds.find(reference)
    if found is not None:
        return found
    close = suggest(reference, [r.title for r in work.rounds.all()], cutoff=0.6)
    hint = f" Did you mean “{close}”?" if close else ""
    raise RoundError(
        f"There is no round {reference!r}.{hint} `/round status` lists the open ones.",
        "round",
    )


def _open(round_: Round) -> Round:
    if round_.closed_at is not None:
        raise RoundError(f"The round “{round_.title}” is already closed.", "round")
    return round_


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
    rows = {m.slack_id: m for m in work.directory.members()}
    chosen = asked_members(rows.values(), codes)
    countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
    # Quiet hours (issue 14): each request waits for its member's next allowed moment.
    asking = {m for code in codes for m in chosen[code]}
    wait = hold_until(work, [MemberProfile.of(rows[m], countries) for m in asking], now)
    asked = []
    for code in codes:
        if code not in countries:
            continue
        members = chosen[code]
        keys = tuple(
            queue_request(
                work, QueuedRequest(round_.id, code, member, reminder), now, wait.get(member)
            )
            for member in members
        )
        asked.append(CountryRequest(countries[code], members, keys))
    waiting = tuple(
        WaitingRequest(rows[member].name, until, rows[member].timezone)
        for member, until in sorted(wait.items(), key=lambda item: (item[1], item[0]))
    )
    return RoundRequests(round_, tuple(asked), reminder, requested_by, waiting)
