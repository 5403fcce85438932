"""Listener middleware: only consortium members get past; everyone else learns whom to ask."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.blocks import stranger_message
from scheduling.directory import DirectoryService


def members_only(
    ack: Ack, context: BoltContext, directory: DirectoryService, next: Callable[[], Any]  # noqa: A002
) -> Any:
    """Put the caller's profile in `context["caller"]`, or answer a stranger and stop."""
    user_id = context.user_id
    profile = directory.profile(user_id) if user_id else None
    if profile is None:
        ack(**stranger_message(directory.directory()).as_ephemeral())
        return None
    context["caller"] = profile
    return next()
