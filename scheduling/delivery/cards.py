"""An update's card in the updates channel, queued in the outbox by the update's own
transaction and posted once; where it went is stored on the update in the transaction that
marks the card sent, so an edit always refreshes the one card in place."""

from __future__ import annotations

from datetime import datetime

from scheduling.delivery.deliverer import DeliveryKind, Pending, ScheduledWork, SweepReport
from scheduling.delivery.notices import CardNotice
from scheduling.ports import Posted
from scheduling.updates.views import to_view
from storage.repositories import UnitOfWork


def queue_card(work: UnitOfWork, update_id: int, channel: str, now: datetime) -> str:
    """Queue the update's card for `channel` in this transaction; returns its delivery key."""
    key = f"{DeliveryKind.CARD}:{update_id}"
    work.deliveries.enqueue(
        key, kind=DeliveryKind.CARD, channel=channel, now=now, payload={"update": update_id}
    )
    return key


class CardDelivery(ScheduledWork):
    def send(self, pending: Pending, report: SweepReport) -> None:
        """Post a queued card as the update reads now (edits made meanwhile included)."""
        update_id = pending.payload.get("update")
        with self.database.read() as work:
            stored = work.updates.get(update_id) if isinstance(update_id, int) else None
            update = to_view(stored) if stored is not None else None
        if update is None or update.posted_ts:
            reason = "the update is gone" if update is None else "the card is already posted"
            self.deliverer.give_up(pending.key, reason, report)
            return

        def remember(work: UnitOfWork, posted: Posted) -> None:
            work.updates.set_posted(update.id, posted.channel, posted.ts)

        notice = CardNotice(update, pending.channel, pending.key)
        self.deliverer.deliver(
            pending.key,
            DeliveryKind.CARD,
            pending.channel,
            pending.due_at,
            {},
            lambda: self.notifier.card(notice),
            report,
            on_sent=remember,
        )
