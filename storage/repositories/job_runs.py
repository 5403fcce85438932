"""When each scheduled job last ran, and what it did."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
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

    def last_runs(self) -> dict[str, tuple[datetime, str]]:
        return {
            r.name: (r.last_run_at, r.last_result) for r in self.session.scalars(select(JobRun))
        }
