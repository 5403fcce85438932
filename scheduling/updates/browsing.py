"""`/update list` and `/update mine`: the latest updates, of a country, some countries, a round
or an author, a page at a time (the latest first), read with a keyset in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from scheduling.consortium.directory import MemberProfile
from scheduling.language.places import AUDIENCE_PHRASES, country_names
from scheduling.language.words import suggest
from scheduling.paging import Key, Page, key_instant, key_length, key_number, page_of
from scheduling.updates.views import UpdateError, UpdateView, to_view
from scheduling.vocabulary import Audience
from storage.models import CountryUpdate
from storage.repositories import UnitOfWork

# Updates a page shows: the latest ten of everyone's or a country's, twenty of a round's or
# one's own (as many as each list showed before it had pages).
LATEST_SHOWN = 10
ALL_OF_SHOWN = 20


@dataclass(frozen=True)
class Listing:
    """`/update list` or `mine`: what was asked for, and a page of the updates found."""

    kind: Literal["mine", "recent", "country", "round"]
    name: str
    page: Page[UpdateView]

    @property
    def updates(self) -> tuple[UpdateView, ...]:
        return self.page.items


@dataclass(frozen=True)
class _Filter:
    country_code: str | None = None
    round_id: int | None = None
    author_id: str | None = None
    country_codes: list[str] | None = None


def browse(
    work: UnitOfWork, profile: MemberProfile, word: str, argument: str | None, after: Key | None
) -> Listing:
    """`mine`, or `list` of the latest, of a country (code or name), of a group of countries
    or of a round: the page after `after` (the first without)."""
    last = _updates_key(after)
    if word == "mine":
        return Listing(
            "mine", "", _page(work, _Filter(author_id=profile.slack_id), last, ALL_OF_SHOWN)
        )
    if argument is None:
        return Listing("recent", "", _page(work, _Filter(), last, LATEST_SHOWN))
    names = {country.code: country.name for country in work.directory.countries()}
    said = " ".join(argument.casefold().split())
    code = country_names(names).get(said)
    if code is not None:
        return Listing("country", names[code], _page(work, _Filter(code), last, LATEST_SHOWN))
    group = AUDIENCE_PHRASES.get(said)
    if group is not None:
        audience = Audience.from_stored(group)
        roles = {country.code: country.role for country in work.directory.countries()}
        codes = _Filter(country_codes=audience.countries(roles))
        return Listing("country", audience.words, _page(work, codes, last, LATEST_SHOWN))
    round_ = work.rounds.find(argument)
    if round_ is None:
        raise UpdateError(_neither(argument, names, work), "argument")
    of_round = _page(work, _Filter(round_id=round_.id), last, ALL_OF_SHOWN)
    return Listing("round", round_.title, of_round)


def _updates_key(after: Key | None) -> tuple[datetime, int] | None:
    """Where the last page ended: its last update's created_at and id."""
    if key_length(after, 2) is None:
        return None
    assert after is not None
    number = key_number(after, 1)
    assert number is not None
    return key_instant(after, 0), number


def _key(update: CountryUpdate) -> Key:
    return update.created_at.isoformat(), update.id


def _page(
    work: UnitOfWork, found: _Filter, after: tuple[datetime, int] | None, size: int
) -> Page[UpdateView]:
    """One more than shown is read, to know whether another page follows."""
    rows = work.updates.recent(
        limit=size + 1,
        after=after,
        country_code=found.country_code,
        round_id=found.round_id,
        author_id=found.author_id,
        country_codes=found.country_codes,
    )
    total = _count(work, found, None)
    remaining = total if after is None else _count(work, found, after)
    return page_of(rows, size, total, remaining, _key).map(to_view)


def _count(work: UnitOfWork, found: _Filter, after: tuple[datetime, int] | None) -> int:
    return work.updates.count_recent(
        after=after,
        country_code=found.country_code,
        round_id=found.round_id,
        author_id=found.author_id,
        country_codes=found.country_codes,
    )


def _neither(argument: str, names: dict[str, str], work: UnitOfWork) -> str:
    """Why `argument` names nothing, with the closest country or round title."""
    titles = [r.title for r in work.rounds.all()]
    countries = country_names(names)
    close = suggest(argument, [*countries, *titles, *AUDIENCE_PHRASES], cutoff=0.7)
    if close in AUDIENCE_PHRASES:
        return f"{argument!r} is neither a country nor a round: did you mean {close!r}?"
    if close in titles:
        return f"{argument!r} is neither a country nor a round: did you mean the round “{close}”?"
    if close is not None:
        code = countries[close]
        return (
            f"{argument!r} is neither a country nor a round: did you mean {names[code]} ({code})?"
        )
    return (
        f"{argument!r} is neither a country (name or code, e.g. Portugal or PT) nor a round "
        "(its number or title)."
    )
