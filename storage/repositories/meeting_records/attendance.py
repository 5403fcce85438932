"""Who attended an occurrence: members and guests."""

from __future__ import annotations

from sqlalchemy.orm import Session


class AttendanceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
