"""Calendar invitations by e-mail: for each member who asked for them (`/consortium invites
email`) and is in a meeting's audience, each change of the meeting queues an iTIP message
(REQUEST, or CANCEL for a cancellation) in the change's own transaction, one per member;
it goes out once through the outbox, as Slack messages do.

Mail cannot be looked up after a send whose outcome is unknown (a connection lost after the
message was handed over): such a message is sent again. A calendar takes a second REQUEST
with the same UID and SEQUENCE for the same invitation, so at worst a mailbox holds it twice.
A server's 4xx is tried again with growing waits; a 5xx is recorded with its reply and not
tried again.
"""

from __future__ import annotations

from datetime import datetime

from scheduling.consortium.directory import CountryRef, MemberProfile, audience_members
from scheduling.delivery.announcements import (
    AnnouncementDelivery,
    QueuedAnnouncement,
    queue_announcement,
)
from scheduling.delivery.deliverer import DeliveryKind, Pending, SweepReport
from scheduling.delivery.notices import InvitationNotice
from scheduling.meetings.occurrences import Series
from storage.repositories import UnitOfWork


def queue_change_messages(
    work: UnitOfWork,
    series: Series,
    queued: QueuedAnnouncement,
    channel: str | None,
    now: datetime,
    *,
    by_mail: bool,
) -> tuple[str | None, tuple[str, ...]]:
    """Queue what a meeting's change announces, in the change's transaction: its card and
    file for `channel` (if it has one), and (`by_mail`) its invitations by e-mail."""
    key = queue_announcement(work, channel, queued, now) if channel is not None else None
    invitations: tuple[str, ...] = ()
    if by_mail:
        countries = {c.code: CountryRef.of(c) for c in work.directory.countries()}
        profiles = [MemberProfile.of(row, countries) for row in work.directory.member_rows()]
        invitations = queue_invitations(work, series, queued, profiles, now)
    return key, invitations


def queue_invitations(
    work: UnitOfWork,
    series: Series,
    announcement: QueuedAnnouncement,
    profiles: list[MemberProfile],
    now: datetime,
) -> tuple[str, ...]:
    """Queue the change's invitation for each member of its audience who takes them by
    e-mail, in this transaction; returns their delivery keys."""
    keys = []
    for profile in audience_members(profiles, series.audience):
        if not profile.takes_mailed_invitations or profile.email is None:
            continue
        key = (
            f"{DeliveryKind.MAIL}:{announcement.meeting_id}:{announcement.sequence}"
            f":{announcement.facts.what}:{now:%Y%m%dT%H%M%SZ}:{profile.slack_id}"
        )
        payload = {**announcement.payload(), "member": profile.slack_id}
        work.deliveries.enqueue(
            key, kind=DeliveryKind.MAIL, channel=profile.email, now=now, payload=payload
        )
        keys.append(key)
    return tuple(keys)


class MailDelivery(AnnouncementDelivery):
    def send(self, pending: Pending, report: SweepReport) -> None:
        """Mail a queued invitation, to the member's address as the directory has it now,
        unless the meeting changed again since or the member stopped taking them."""
        member = self.directory.profile(str(pending.payload.get("member")))
        if member is None or not member.takes_mailed_invitations or member.email is None:
            self.deliverer.give_up(pending.key, "no longer takes invitations by e-mail", report)
            return
        announcement = self.notice(pending, report)
        if announcement is None:
            return
        notice = InvitationNotice(announcement, member.name, member.email)
        self.deliverer.deliver(
            pending.key,
            DeliveryKind.MAIL,
            pending.channel,
            pending.due_at,
            {},
            lambda: self.notifier.invitation(notice),
            report,
        )
