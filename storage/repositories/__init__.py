"""One repository per aggregate, and the unit of work that holds them for one transaction.

Repositories take a Session and never commit; `Database.write()` and `Database.read()` hand
out a `UnitOfWork` whose transaction commits (or rolls back) when the block ends. Everything
that builds SQL lives in this package.
"""

from __future__ import annotations

from functools import cached_property

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from storage.models import Base
from storage.repositories.away import AwayRepository
from storage.repositories.deliveries import DeliveryRepository
from storage.repositories.directory import DirectoryRepository
from storage.repositories.feeds import FeedTokenRepository
from storage.repositories.job_runs import JobRunRepository
from storage.repositories.meeting_records.actions import ActionRepository
from storage.repositories.meeting_records.agendas import AgendaRepository
from storage.repositories.meeting_records.attendance import AttendanceRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.privacy.erasure import ErasureRepository
from storage.repositories.privacy.holdings import PersonalDataRepository
from storage.repositories.privacy.retention import RetentionRepository
from storage.repositories.rounds import RoundRepository
from storage.repositories.rsvps import RsvpRepository
from storage.repositories.updates import UpdateRepository
from storage.repositories.workspace.events import SlackEventRepository
from storage.repositories.workspace.lifecycle import LifecycleRepository


class UnitOfWork:
    """The repositories of one transaction. `session` is for tests and benchmarks only."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @cached_property
    def directory(self) -> DirectoryRepository:
        return DirectoryRepository(self.session)

    @cached_property
    def meetings(self) -> MeetingRepository:
        return MeetingRepository(self.session)

    @cached_property
    def rounds(self) -> RoundRepository:
        return RoundRepository(self.session)

    @cached_property
    def updates(self) -> UpdateRepository:
        return UpdateRepository(self.session)

    @cached_property
    def feeds(self) -> FeedTokenRepository:
        return FeedTokenRepository(self.session)

    @cached_property
    def deliveries(self) -> DeliveryRepository:
        return DeliveryRepository(self.session)

    @cached_property
    def rsvps(self) -> RsvpRepository:
        return RsvpRepository(self.session)

    @cached_property
    def job_runs(self) -> JobRunRepository:
        return JobRunRepository(self.session)

    @cached_property
    def agendas(self) -> AgendaRepository:
        return AgendaRepository(self.session)

    @cached_property
    def attendance(self) -> AttendanceRepository:
        return AttendanceRepository(self.session)

    @cached_property
    def actions(self) -> ActionRepository:
        return ActionRepository(self.session)

    @cached_property
    def away(self) -> AwayRepository:
        return AwayRepository(self.session)

    @cached_property
    def retention(self) -> RetentionRepository:
        return RetentionRepository(self.session)

    @cached_property
    def personal(self) -> PersonalDataRepository:
        return PersonalDataRepository(self.session)

    @cached_property
    def lifecycle(self) -> LifecycleRepository:
        return LifecycleRepository(self.session)

    @cached_property
    def events(self) -> SlackEventRepository:
        return SlackEventRepository(self.session)

    @cached_property
    def erasure(self) -> ErasureRepository:
        return ErasureRepository(self.session)

    def add(self, row: Base) -> None:
        """Store a new row of any table when the transaction commits."""
        self.session.add(row)

    def flush(self) -> None:
        """Send pending changes now (e.g. to learn a new row's id) without committing."""
        self.session.flush()

    def may_write(self) -> bool:
        """Whether this transaction can write: not on a read-only SQLite file, a PostgreSQL
        standby or a database set to read-only. Nothing is changed to find out."""
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":
            setting = "SELECT current_setting('transaction_read_only')"
            return connection.exec_driver_sql(setting).scalar() == "off"
        # Writing the header field SQLite leaves to applications, with the value it has.
        version = int(connection.exec_driver_sql("PRAGMA user_version").scalar() or 0)
        try:
            connection.exec_driver_sql(f"PRAGMA user_version = {version}")
        except OperationalError:
            return False
        return True
