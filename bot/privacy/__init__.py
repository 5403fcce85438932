"""A member's own data: `/consortium my-data` (their export, by DM) and
`/consortium forget @member` (a coordinator erases a member, after a confirmation)."""

from __future__ import annotations

from bot.core import ids
from bot.door import Registrar
from bot.privacy import forget


def register(app: Registrar) -> None:
    """The buttons and forms of this feature (its subcommands go through `/consortium`)."""
    app.action(ids.FORGET_ERASE)(forget.erase)
    app.action(ids.FORGET_CANCEL)(forget.cancel)
    app.action(ids.FORGET_PICK)(forget.pick)
