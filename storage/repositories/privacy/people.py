"""Where a member's personal data lives: every column that holds a member's Slack ID, and
the columns that hold a name or an e-mail address copied from them.

Access (`/consortium my-data`), erasure (`/consortium forget`) and their tests read this one
list, so a new table that names members is covered as soon as it is listed here, and
`tests/privacy` fails when a table names members but is missing from it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.orm import InstrumentedAttribute

from storage.meeting_records import (
    ActionItem,
    Agenda,
    Attendance,
    OccurrenceLink,
    Topic,
    TopicSupport,
)
from storage.models import (
    AwayPeriod,
    CountryUpdate,
    Delivery,
    Erasure,
    FeedToken,
    Meeting,
    Member,
    MemberCountry,
    MemberRoleGrant,
    Round,
    Rsvp,
    UpdateRevision,
)

# Columns whose value is a member's Slack ID (a delivery's `channel` is one for a DM).
MEMBER_ID_COLUMNS: tuple[InstrumentedAttribute[str] | InstrumentedAttribute[str | None], ...] = (
    Member.slack_id,
    MemberCountry.member_id,
    MemberRoleGrant.member_id,
    AwayPeriod.member_id,
    FeedToken.member_id,
    Meeting.created_by,
    Round.created_by,
    CountryUpdate.author_id,
    UpdateRevision.editor_id,
    Rsvp.member_id,
    Delivery.channel,
    Topic.proposed_by,
    TopicSupport.member_id,
    Agenda.published_by,
    Attendance.member_id,
    Attendance.person_key,
    Attendance.recorded_by,
    OccurrenceLink.added_by,
    ActionItem.member_id,
    ActionItem.done_by,
    ActionItem.created_by,
    Erasure.requested_by,
)

# Columns that hold a copy of a member's name or e-mail address.
MEMBER_NAME_COLUMNS: tuple[InstrumentedAttribute[str] | InstrumentedAttribute[str | None], ...] = (
    Member.name,
    Member.email,
    Attendance.name,
    Attendance.email,
)


def attended_by(member_id: str, email: str | None) -> ColumnElement[bool]:
    """Attendance rows of the member: by their Slack ID, or a report's row with their
    e-mail address (a guest row made before the address was known to the consortium)."""
    mine = or_(Attendance.member_id == member_id, Attendance.person_key == member_id)
    if email is None:
        return mine
    return or_(mine, func.lower(Attendance.email) == email.lower())


def addressed_to(member_id: str, email: str | None) -> ColumnElement[bool]:
    """Deliveries to the member: DMs name their Slack ID, invitations by e-mail their
    address."""
    if email is None:
        return Delivery.channel == member_id
    return or_(Delivery.channel == member_id, func.lower(Delivery.channel) == email.lower())
