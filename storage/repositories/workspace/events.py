"""The Events API deliveries already handled (`slack_events`), by Slack's `event_id`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import SlackEvent


class SlackEventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, event_id: str, at: datetime) -> bool:
        """Note `event_id` as handled: True for the one transaction that inserted it, False
        when it was there already (a retry, or another instance took it first: on
        PostgreSQL the second insert waits for the first to commit, then does nothing)."""
        dialect = self.session.get_bind().dialect.name
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            make(SlackEvent)
            .values(event_id=event_id, received_at=at)
            .on_conflict_do_nothing(index_elements=[SlackEvent.event_id])
            .returning(SlackEvent.event_id)
        )
        return self.session.scalar(statement) is not None

    def forget(self, event_id: str) -> None:
        """Forget a handled event (its handling failed, so a retry must run)."""
        self.session.execute(delete(SlackEvent).where(SlackEvent.event_id == event_id))
