"""A round's requests: the DMs that ask each asked country's members for its update (when the
round opens) or remind those still missing (`/round remind`). They are queued in the outbox by
the opening's or reminder's own transaction, one per member and country, and go out once.

A request is made from the round as it is when it goes out: none is posted for a round closed
meanwhile, and no reminder to a country that has answered meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scheduling.consortium.directory import CountryRef
from scheduling.delivery.deliverer import DeliveryKind, Pending, ScheduledWork, SweepReport
from scheduling.delivery.notices import RoundRequestNotice
from scheduling.updates.views import RoundView, statuses
from storage.repositories import UnitOfWork


@dataclass(frozen=True)
class QueuedRequest:
    """A request as its delivery's payload names it."""

    round_id: int
    country: str
    member: str
    reminder: bool

    def payload(self) -> dict[str, Any]:
        return {
            "round": self.round_id,
            "country": self.country,
            "member": self.member,
            "reminder": self.reminder,
        }

    @classmethod
    def of(cls, payload: dict[str, Any]) -> QueuedRequest | None:
        try:
            return cls(
                int(payload["round"]),
                str(payload["country"]),
                str(payload["member"]),
                bool(payload["reminder"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


def queue_request(
    work: UnitOfWork, request: QueuedRequest, now: datetime, not_before: datetime | None = None
) -> str:
    """Queue one member's request in this transaction; returns its delivery key (a round's
    opening asks each member once per country; each reminder has its own second). With
    `not_before` (outside the member's working hours: `workdays.quiet.hold_until`) it waits
    until then."""
    occasion = f"reminder:{now:%Y%m%dT%H%M%SZ}" if request.reminder else "opened"
    key = (
        f"{DeliveryKind.ROUND_REQUEST}:{request.round_id}:{request.country}"
        f":{occasion}:{request.member}"
    )
    work.deliveries.enqueue(
        key,
        kind=DeliveryKind.ROUND_REQUEST,
        channel=request.member,
        now=now,
        payload=request.payload(),
        not_before=not_before,
    )
    return key


class RoundRequestDelivery(ScheduledWork):
    def send(self, pending: Pending, report: SweepReport) -> None:
        """DM a queued request, unless the round closed or the country answered meanwhile."""
        queued = QueuedRequest.of(pending.payload)
        with self.database.read() as work:
            round_ = work.rounds.get(queued.round_id) if queued is not None else None
            country = work.directory.country(queued.country) if queued is not None else None
            answered = False
            if round_ is not None and queued is not None and queued.reminder:
                (status,) = statuses(work, self.clock, [round_])
                answered = queued.country not in {row.country.code for row in status.missing}
            view = RoundView.of(round_) if round_ is not None else None
            country_ref = CountryRef.of(country) if country is not None else None
        if queued is None or view is None or country_ref is None:
            self.deliverer.give_up(pending.key, "the round or country is gone", report)
            return
        if view.closed:
            self.deliverer.give_up(pending.key, "the round is closed", report)
            return
        if answered:
            self.deliverer.give_up(pending.key, "the country has answered", report)
            return
        if self.held(pending.key, queued.member, report):
            return  # outside the member's working hours, or they are away: later
        notice = RoundRequestNotice(view, country_ref, queued.member, queued.reminder, pending.key)
        self.deliverer.deliver(
            pending.key,
            DeliveryKind.ROUND_REQUEST,
            pending.channel,
            pending.due_at,
            {},
            lambda: self.notifier.round_request(notice),
            report,
        )
