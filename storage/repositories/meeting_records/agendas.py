"""Topics, their support by country, and each occurrence's agenda."""

from __future__ import annotations

from sqlalchemy.orm import Session


class AgendaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
