"""Quiet hours: the one check every DM the bot sends on its own goes through.

A DM that is not tied to a meeting's time (a round's request, the digest by DM, a nudge) may
reach a member only on a working day of their country, when they are not away, within their
working hours, all in their own zone. Queued, it is held until their next allowed moment
(`hold_until`); about to be sent, it is checked again with the away periods as they are then
(`ScheduledWork.held`, in scheduling/delivery/deliverer.py). A meeting reminder keeps its
offset instead: at a moment that is not allowed it is not sent by DM at all (`why_not`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from scheduling.consortium.directory import MemberProfile
from scheduling.workdays.hours import LOOK_AHEAD_DAYS, Availability, zone_of
from scheduling.workdays.service import availabilities
from storage.repositories import UnitOfWork

# The longest a digest by DM waits for its reader: past it, next week's digest supersedes it.
DIGEST_WAIT = timedelta(days=7)


def wait_until(available: Availability, now: datetime) -> datetime | None:
    """When a DM not tied to a meeting's time may reach this member, if not now (None: now
    is fine). With no allowed moment in the look-ahead, it waits as long as that."""
    if available.allows(now):
        return None
    return available.next_allowed(now) or now + timedelta(days=LOOK_AHEAD_DAYS)


def hold_until(
    work: UnitOfWork, profiles: Iterable[MemberProfile], now: datetime
) -> dict[str, datetime]:
    """The members of `profiles` whose DMs must wait now, each with their next allowed moment
    (for `enqueue(not_before=…)`), read in this transaction with two queries."""
    found = availabilities(work, profiles, now.date())
    waits = {member: wait_until(available, now) for member, available in found.items()}
    return {member: until for member, until in waits.items() if until is not None}


def why_not(available: Availability, instant: datetime) -> str | None:
    """Why no DM may reach the member at `instant` ("Saturday", "Portugal Day", "away",
    "outside working hours 08:00-19:00 Europe/Lisbon"), or None when one may."""
    local = instant.astimezone(zone_of(available.zone))
    off = available.days.off(local.date())
    if off is not None:
        return off
    if available.away_on(local.date()) is not None:
        return "away"
    if not available.hours.contains(local.time()):
        return f"outside working hours {available.hours} {available.zone}"
    return None
