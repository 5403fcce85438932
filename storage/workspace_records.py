"""What the bot keeps about the workspace itself rather than the consortium's work: the Slack
events it has handled (so a retry changes nothing) and the erasures it has made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.types import UTCDateTime


class SlackEvent(Base):
    """An Events API delivery already handled, by its `event_id`: Slack retries an event it
    thinks was not acknowledged (`X-Slack-Retry-Num`), and a retry must change nothing."""

    __tablename__ = "slack_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Erasure(Base):
    """That a member's personal data was erased, and when: the accountability record (GDPR
    art. 5(2)) holds no personal data of the erased member, only their countries."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime)
    country_codes: Mapped[str] = mapped_column(String(255), default="")
    # The coordinator's Slack ID, or "command line".
    requested_by: Mapped[str] = mapped_column(String(32))
