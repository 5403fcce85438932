"""Errors the domain raises for the person who asked: each names the field it is about, so a
form can put it under the right input without reading its wording."""

from __future__ import annotations


class FieldError(ValueError):
    """A request refused for a reason the asker can fix; `field` names what to fix, or None
    when the whole request is at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotAllowedError(FieldError):
    """The asker's role does not allow this; the message says who may."""
