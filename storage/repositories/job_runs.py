"""When each scheduled job last ran, and what it did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import JobRun


class JobRunRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, name: str, now: datetime, result: str) -> None:
        """Remember the run; two instances finishing at once must not trip over each other."""
        run = self.session.get(JobRun, name)
        if run is not None:
            run.last_run_at, run.last_result = now, result
            return
        try:
            with self.session.begin_nested():
                self.session.add(JobRun(name=name, last_run_at=now, last_result=result))
        except IntegrityError:
            self.session.execute(
                update(JobRun)
                .where(JobRun.name == name)
                .values(last_run_at=now, last_result=result)
            )

    def claim(self, name: str, *, not_since: datetime, now: datetime, result: str) -> bool:
        """Start the run of `name` as of `now` unless one started at or after `not_since`;
        a compare-and-set, so of several instances asking at once exactly one gets it."""
        dialect = self.session.get_bind().dialect.name
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        first = self.session.scalar(
            make(JobRun)
            .values(name=name, last_run_at=now, last_result=result)
            .on_conflict_do_nothing(index_elements=[JobRun.name])
            .returning(JobRun.name)
        )
        if first is not None:
            return True
        taken = self.session.execute(
            update(JobRun)
            .where(JobRun.name == name, JobRun.last_run_at < not_since)
            .values(last_run_at=now, last_result=result)
        )
        return taken.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def last_runs(self) -> dict[str, tuple[datetime, str]]:
        return {
            r.name: (r.last_run_at, r.last_result) for r in self.session.scalars(select(JobRun))
        }
