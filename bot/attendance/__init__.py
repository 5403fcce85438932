"""Attendance: the *I'm here* button of a meeting that started, `/meeting attended` (through
`bot/meetings/records.py`) and the CLI's import of participants reports and exports."""

from __future__ import annotations

from bot.attendance import button
from bot.core import ids
from bot.door import Registrar


def register(app: Registrar) -> None:
    app.action(ids.ATTENDANCE_HERE)(button.here)
