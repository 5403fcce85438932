"""Action items: something a country or a member is to do, perhaps by a date, perhaps from a
meeting. Coordinators give them to anyone; members to their own country or themselves. The
assignee's country (or the assignee) and coordinators mark them done, with a note."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from scheduling.clock import Clock
from scheduling.consortium.directory import CountryRef, DirectoryService, MemberProfile
from scheduling.errors import FieldError, NotAllowedError
from scheduling.language.words import did_you_mean
from scheduling.meetings.mapping import to_series
from scheduling.meetings.occurrences import next_of, occurrences
from scheduling.paging import Key, Page, key_day, key_instant, key_length, key_number, page_of
from storage.db import Database
from storage.meeting_records import MAX_ACTION_LENGTH, ActionItem
from storage.repositories import UnitOfWork
from storage.repositories.meeting_records.actions import ActionKey

MAX_NOTE_LENGTH = 1000
LISTED = 25  # `/action list` shows this many, and says how many more


class ActionError(FieldError):
    """An action item request refused; `field` names what to fix."""


@dataclass(frozen=True)
class ActionLine:
    """An action item as every surface shows it."""

    id: int
    text: str
    country: CountryRef | None
    member_id: str | None
    due_on: date | None
    meeting_id: int | None
    done: bool = False
    done_note: str | None = None


@dataclass(frozen=True)
class Assignee:
    """Whom an item is for, as typed: a country code or name, or a member's Slack ID."""

    country: str | None = None
    member_id: str | None = None


@dataclass(frozen=True)
class ActionListing:
    """Open items of a scope (`whose` names it in words), a page of LISTED of them."""

    whose: str
    page: Page[ActionLine]
    today: date

    @property
    def items(self) -> tuple[ActionLine, ...]:
        return self.page.items


def _key(item: ActionItem) -> Key:
    """An item's place in `/action list`, as a page's key."""
    due = item.due_on.isoformat() if item.due_on else None
    return due, item.created_at.isoformat(), item.id


def _action_key(after: Key | None) -> ActionKey | None:
    if key_length(after, 3) is None:
        return None
    assert after is not None
    number = key_number(after, 2)
    assert number is not None
    return key_day(after, 0), key_instant(after, 1), number


def may_close(caller: MemberProfile, item: ActionItem) -> bool:
    return (
        caller.is_coordinator
        or item.member_id == caller.slack_id
        or (item.country_code is not None and caller.speaks_for(item.country_code))
    )


def line_of(item: ActionItem, countries: Mapping[str, CountryRef]) -> ActionLine:
    return ActionLine(
        item.id,
        item.text,
        countries.get(item.country_code or ""),
        item.member_id,
        item.due_on,
        item.meeting_id,
        item.status == "done",
        item.done_note,
    )


def open_lines(
    work: UnitOfWork, countries: Mapping[str, CountryRef], codes: Sequence[str], limit: int
) -> tuple[list[ActionLine], int]:
    """The open items of `codes` (the first `limit`) and how many more there are."""
    if not codes:
        return [], 0
    items = work.actions.open_items(countries=codes, limit=limit)
    total = work.actions.count_open(codes) if len(items) == limit else len(items)
    return [line_of(item, countries) for item in items], max(0, total - len(items))


def close_answered(
    work: UnitOfWork,
    caller: MemberProfile,
    country_code: str,
    answers: Mapping[int, str],
    at: datetime,
) -> list[int]:
    """Close the items of `country_code` answered done (item id -> note) in an update form;
    others' items, closed ones and unknown ids are left alone. The ids closed."""
    closed = []
    for item_id, note in answers.items():
        item = work.actions.get(item_id)
        if item is None or item.status != "open" or item.country_code != country_code:
            continue
        if not may_close(caller, item):
            continue
        work.actions.close(item, caller.slack_id, _note(note), at)
        closed.append(item_id)
    return closed


def _note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ActionError(f"keep the note under {MAX_NOTE_LENGTH} characters", "note")
    return note or None


class ActionService:
    def __init__(self, database: Database, clock: Clock, directory: DirectoryService) -> None:
        self.database = database
        self.clock = clock
        self.directory = directory

    def add(
        self,
        caller: MemberProfile,
        assignee: Assignee,
        text: str,
        due: date | None,
        meeting_id: int | None,
    ) -> ActionLine:
        text = " ".join(text.split())
        if not text:
            raise ActionError('say what is to be done, in quotes: "Send the draft"', "text")
        if len(text) > MAX_ACTION_LENGTH:
            raise ActionError(
                f"the action is {len(text)} characters; keep it under {MAX_ACTION_LENGTH}", "text"
            )
        now = self.clock.now()
        snapshot = self.directory.snapshot()
        countries = snapshot.countries
        if assignee.member_id is not None:
            member = snapshot.profiles.get(assignee.member_id)
            if member is None:
                raise ActionError("that person is not in the consortium's member list", "who")
            code = member.countries[0].code if member.countries else None
            if not (caller.is_coordinator or member.slack_id == caller.slack_id):
                raise NotAllowedError(
                    "Only coordinators can give actions to others; give it to your country or "
                    "yourself.",
                    "who",
                )
        else:
            code = find_country(assignee.country or "", countries)
            if not (caller.is_coordinator or caller.speaks_for(code)):
                raise NotAllowedError(
                    f"Only coordinators and {countries[code].name}'s members can give "
                    f"{countries[code].name} an action.",
                    "who",
                )
        with self.database.write() as work:
            occurrence_local = None
            if meeting_id is not None:
                meeting = work.meetings.get(meeting_id)
                if meeting is None or meeting.cancelled_at is not None:
                    raise ActionError(
                        f"there is no meeting #{meeting_id}; `/meeting list` shows them",
                        "meeting",
                    )
                series = to_series(meeting)
                held = occurrences(series, now - timedelta(days=400), now)
                chosen = held[-1] if held else next_of(series, now)
                occurrence_local = chosen.original_local if chosen else None
            item = ActionItem(
                text=text,
                country_code=code,
                member_id=assignee.member_id,
                due_on=due,
                meeting_id=meeting_id,
                occurrence_local=occurrence_local,
                status="open",
                created_by=caller.slack_id,
                created_at=now,
            )
            work.actions.add(item)
            return line_of(item, countries)

    def listing(
        self, caller: MemberProfile, scope: str, today: date, after: Key | None = None
    ) -> ActionListing:
        """`scope`: "" (the caller's countries and themselves; everything for a coordinator
        with no country), "mine" (the caller's own and their countries'), or a country; the
        page after `after` (the first without)."""
        countries = self.directory.snapshot().countries
        own = [c.code for c in caller.countries]
        last = _action_key(after)
        found: dict[str, Any] = {}
        if scope.lower() in ("", "mine", "me"):
            everyone = not scope and caller.is_coordinator and not own
            if not everyone:
                found = {"countries": own, "member_id": caller.slack_id}
            whose = "everyone's" if everyone else "yours and your country's"
        elif scope.lower() in ("all", "everyone"):
            whose = "everyone's"
        else:
            code = find_country(scope, countries)
            found, whose = {"countries": [code]}, f"{countries[code].name}'s"
        with self.database.read() as work:
            rows = work.actions.open_items(limit=LISTED + 1, after=last, **found)
            total = work.actions.count_open_items(**found)
            remaining = (
                total if last is None else work.actions.count_open_items(after=last, **found)
            )
            page = page_of(rows, LISTED, total, remaining, _key)
        return ActionListing(whose, page.map(lambda item: line_of(item, countries)), today)

    def done(self, caller: MemberProfile, item_id: int, note: str | None) -> ActionLine:
        """Mark an item done (once: a second time says so)."""
        note = _note(note)
        countries = self.directory.snapshot().countries
        with self.database.write() as work:
            item = work.actions.get(item_id)
            if item is None:
                raise ActionError(f"there is no action #{item_id}; `/action list` shows them", "n")
            if not may_close(caller, item):
                whose = countries[item.country_code].name if item.country_code in countries else ""
                raise NotAllowedError(
                    f"only coordinators and {whose or 'its assignee'}'s members can close "
                    f"action #{item_id}",
                    "n",
                )
            if item.status == "done":
                raise ActionError(f"action #{item_id} is already done", "n")
            work.actions.close(item, caller.slack_id, note, self.clock.now())
            return line_of(item, countries)


def find_country(typed: str, countries: Mapping[str, CountryRef]) -> str:
    """The code of the country `typed` names (its code or name, any case)."""
    word = typed.strip().lower()
    for code, country in countries.items():
        if word in (code.lower(), country.name.lower()):
            return code
    names = [c.name for c in countries.values()] + list(countries)
    hint = did_you_mean(typed, names)
    raise ActionError(f"{typed!r} is not one of the consortium's countries{hint}", "who")
