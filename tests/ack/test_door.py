"""The door's registrar: a command's listener gets the arguments it names, and one naming an
argument nobody gives is refused when registered, not when a member first types it."""

from __future__ import annotations

import pytest
from slack_bolt.async_app import AsyncApp

from bot.door import Registrar


def test_a_command_listener_naming_an_unknown_argument_is_refused_at_registration() -> None:
    app = AsyncApp(signing_secret="unused", authorize=lambda **_: None)
    door = Registrar(app, {"meetings": object()})

    async def listener(ack: object, meetings: object, caller: object, mettings: object) -> None:
        raise AssertionError("never called")

    with pytest.raises(TypeError, match=r"/meeting: no argument named \['mettings'\]"):
        door.command("/meeting")(listener)
