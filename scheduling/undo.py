"""Undoing what reaches every member or every calendar: for how long, and why it is refused.

An undo names the state it undoes (what the change left: a SEQUENCE, a closing instant), so it
is refused once anything else changed the thing since; and it is refused once UNDO_WINDOW has
passed on the injected clock, after which the reply says what to do instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from scheduling.errors import FieldError

UNDO_WINDOW = timedelta(minutes=10)


class UndoError(FieldError):
    """An undo that cannot be done (too late, or changed since); the message says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "undo")


def undo_until(done_at: datetime) -> datetime:
    """The last instant at which a change made at `done_at` may be undone."""
    return done_at + UNDO_WINDOW


def check_in_time(done_at: datetime, now: datetime, what: str, instead: str) -> None:
    """Refuse once the window since `done_at` has passed, saying what to do instead."""
    if now > undo_until(done_at):
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        raise UndoError(
            f"It is too late to undo that: {what} more than {minutes} minutes ago. {instead}"
        )
