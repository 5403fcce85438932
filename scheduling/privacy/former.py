"""The mark an erased member leaves where a record must still say someone acted: `former:PT`
(their first country; `former` when they had none). It names no person, so it may stay in
updates, revisions, topics and action items after the member is gone, and every surface
reads it the same way: "a former member of PT". Made and read only here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

FORMER = "former"
_PREFIX = f"{FORMER}:"


def former_marker(country_codes: Sequence[str]) -> str:
    """What an erased member's ID becomes wherever a record keeps who acted."""
    return f"{_PREFIX}{country_codes[0]}" if country_codes else FORMER


def is_former(value: str | None) -> bool:
    """Whether `value` (an author, editor, proposer, assignee …) is an erased member's mark."""
    return value is not None and (value == FORMER or value.startswith(_PREFIX))


def former_words(value: str | None) -> str | None:
    """How a mark reads ("a former member of PT", "a former member"); None for anything else,
    which is a member's Slack ID to be shown as the caller would."""
    if value is None or not is_former(value):
        return None
    country = value.removeprefix(_PREFIX) if value != FORMER else ""
    return f"a former member of {country}" if country else "a former member"


def person_words(value: str, names: Mapping[str, str]) -> str:
    """Who `value` is, in words: a member's name, a mark's words, else the value itself."""
    return former_words(value) or names.get(value, value)
