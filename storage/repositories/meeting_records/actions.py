"""Action items, and the links to an occurrence's minutes, notes, recordings and slides."""

from __future__ import annotations

from sqlalchemy.orm import Session


class ActionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
