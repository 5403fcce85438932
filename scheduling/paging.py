"""A long answer one page at a time: the page's items, where they stand in the whole list,
and where the next page starts.

A page is read with a keyset: the key of the last item shown (its place in the list's order,
e.g. an id, or a date and an id), so the next page starts right after it whatever was added
or removed meanwhile, and the database reads only the page (`LIMIT`), never the items before
it. The key travels as plain values (numbers, ISO strings, None) in a button; each list reads
back its own key and refuses anything it could not have written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Generic, TypeVar

from scheduling.errors import FieldError

T = TypeVar("T")
U = TypeVar("U")

# Where a page ended, as plain values a button can carry.
Key = tuple[int | str | None, ...]

NO_LONGER_WORKS = "That button no longer works; type the command again."
# Ids and places in a list are INTEGER columns (32 bits on PostgreSQL): a larger number is
# refused before the database sees it.
MAX_KEY_NUMBER = 2**31 - 1


class PageError(FieldError):
    """A page asked for with a key no list of the bot's could have written."""

    def __init__(self) -> None:
        super().__init__(NO_LONGER_WORKS, "page")


@dataclass(frozen=True)
class Page(Generic[T]):
    """Items of a list, `before` of its `total` items ahead of them; `next_after` is the
    key the next page starts after (None: none follows)."""

    items: tuple[T, ...]
    before: int
    total: int
    next_after: Key | None = None

    @property
    def first(self) -> int:
        """The place of the first item shown in the whole list, from 1."""
        return self.before + 1

    @property
    def last(self) -> int:
        return self.before + len(self.items)

    @property
    def whole(self) -> bool:
        """Whether the page is the whole list (nothing before it, nothing after)."""
        return self.before == 0 and self.next_after is None

    def map(self, change: Callable[[T], U]) -> Page[U]:
        """The same page with each item changed (rows into values)."""
        changed = tuple(change(item) for item in self.items)
        return Page(changed, self.before, self.total, self.next_after)


def page_of(
    rows: Sequence[T], size: int, total: int, remaining: int, key: Callable[[T], Key]
) -> Page[T]:
    """A page from up to `size + 1` rows read from where the last page ended (one more than
    shown tells whether another page follows), the list's `total`, and how many items are
    at and after where this page starts (`remaining`)."""
    shown = tuple(rows[:size])
    following = key(shown[-1]) if len(rows) > size and shown else None
    return Page(shown, max(0, total - remaining), total, following)


def page_of_all(items: Sequence[T], after: Key | None, size: int) -> Page[T]:
    """A page of a list read whole, whose order exists only once all of it is read (an
    occurrence's topics by support): its key is how many items came before it."""
    start = key_number(key_length(after, 1)) or 0
    shown = tuple(items[start : start + size])
    following: Key | None = (start + size,) if start + size < len(items) else None
    return Page(shown, min(start, len(items)), len(items), following)


def key_number(after: Key | None, index: int = 0) -> int | None:
    """The whole number a key holds at `index` (None when there is no key)."""
    if after is None:
        return None
    value = after[index] if index < len(after) else None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_KEY_NUMBER:
        raise PageError()
    return value


def key_instant(after: Key, index: int) -> datetime:
    """The instant (ISO 8601 with its offset) a key holds at `index`."""
    value = after[index] if index < len(after) else None
    try:
        found = datetime.fromisoformat(value) if isinstance(value, str) else None
        # In UTC, as stored; an offset that would carry it past year 1 or 9999 is refused.
        in_utc = found.astimezone(UTC) if found is not None and found.tzinfo else None
    except (ValueError, OverflowError):
        in_utc = None
    if in_utc is None:
        raise PageError()
    return in_utc


def key_day(after: Key, index: int) -> date | None:
    """The date (ISO 8601) a key holds at `index`, or None where it holds None."""
    if index >= len(after):
        raise PageError()
    value = after[index]
    if value is None:
        return None
    try:
        found = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        found = None
    if found is None:
        raise PageError()
    return found


def key_length(after: Key | None, length: int) -> Key | None:
    """The key, refused unless it has `length` parts."""
    if after is not None and len(after) != length:
        raise PageError()
    return after
