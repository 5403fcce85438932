"""The parts of a member's copy of their data, from the rows that name them: what each part
holds, in what words, and why the bot holds it.

Another person's Slack ID or name is never copied into a member's file: where a record was
made by or for someone else, the file says "another member" (or the country), since their
data is theirs to ask for.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from scheduling.privacy.record import Part, Record, day, instant, occurrence, plain
from storage.meeting_records import ActionItem, Attendance
from storage.models import CountryUpdate, Meeting, Member, UpdateRevision
from storage.repositories.privacy.holdings import Holdings

# Who did something, as the member's file says it: "you", "another member" or None.
Who = Callable[[str | None], str | None]

UPDATE_FIELDS = ("achievements", "challenges", "objectives", "needs", "events", "links", "note")

PURPOSES = {
    "profile": "Who you are to the consortium, from its member file: to let you in, name you "
    "in its messages, count your countries and show times in your zone.",
    "settings": "What you chose: how reminders, invitations and the digest reach you, and "
    "your working hours, so the bot only writes to you as you asked.",
    "days_away": "Days you said you are away: no DM that is not tied to a meeting reaches you "
    "then, and your country is not counted missing for your absence alone.",
    "feed_links": "Your personal calendar feed links (audience and when issued; the secret "
    "part of the link is not repeated here): so each can be revoked alone.",
    "rsvps": "Your answers to meetings: to count who comes, per country.",
    "attendance": "Meetings you were at (by the button, marked by a coordinator, or matched "
    "in a meeting platform's participants report by your e-mail address): for the "
    "consortium's attendance reporting to its funder.",
    "attendance_recorded": "Attendance you recorded for others: to know who recorded it.",
    "updates_written": "Country updates you wrote, as they stand, with every change made to "
    "them since: the consortium's record of its countries' progress.",
    "update_edits": "Changes you made to country updates (the fields you changed, the text "
    "before and after): so an update's history shows who changed what.",
    "topics_proposed": "Topics you proposed for meetings: to build their agendas.",
    "topics_supported": "Topics you supported for your country: to order the agendas.",
    "agendas_published": "Agendas you published: to know who published each.",
    "links_added": "Links to minutes, notes, recordings or slides you added to meetings.",
    "action_items": "Action items assigned to you, created by you or closed by you: to follow "
    "them up until they are done.",
    "meetings_created": "Meetings and series you scheduled: to know who to ask about them.",
    "rounds_created": "Rounds of country updates you opened.",
    "deliveries": "Messages the bot sent or is to send you on its own (reminders, digests, "
    "requests, nudges, invitations by e-mail), with their state: so nothing is sent twice or "
    "lost.",
    "erasures_requested": "Erasures of members' data you asked for: the record of an "
    "erasure (GDPR art. 5(2)) names who asked for it, not who was erased.",
}

TITLES = {
    "profile": "Profile",
    "settings": "Settings",
    "days_away": "Days away",
    "feed_links": "Calendar feed links",
    "rsvps": "Meeting answers (RSVPs)",
    "attendance": "Attendance",
    "attendance_recorded": "Attendance you recorded",
    "updates_written": "Updates you wrote",
    "update_edits": "Your edits of updates",
    "topics_proposed": "Topics you proposed",
    "topics_supported": "Topics you supported",
    "agendas_published": "Agendas you published",
    "links_added": "Meeting links you added",
    "action_items": "Action items",
    "meetings_created": "Meetings you scheduled",
    "rounds_created": "Rounds you opened",
    "deliveries": "Messages to you",
    "erasures_requested": "Erasures you asked for",
}


def part(key: str, records: Sequence[Record]) -> Part:
    return Part(key, TITLES[key], PURPOSES[key], tuple(records))


def profile_part(member: Member, countries: dict[str, str]) -> Part:
    data = {
        "slack_id": member.slack_id,
        "name": member.name,
        "timezone": member.timezone,
        "countries": [
            {"code": code, "name": countries.get(code, code)} for code in member.country_codes
        ],
        "roles": member.role_names,
        "email": member.email,
        "team_id": member.team_id,
        "deactivated_at": instant(member.deactivated_at),
        "dm_unreachable_since": instant(member.dm_unreachable_since),
    }
    line = f"{member.name}, {', '.join(member.country_codes) or 'no country'}, {member.timezone}"
    return part("profile", [Record(data, None, line)])


def settings_part(member: Member) -> Part:
    data = {
        "reminder_delivery": member.reminder_delivery,
        "invitations": member.invitations,
        "digest_by_dm": member.digest_by_dm,
        "working_hours": member.working_hours,
        "welcomed_at": instant(member.welcomed_at),
        "home_opened_at": instant(member.home_opened_at),
    }
    line = (
        f"reminders by {member.reminder_delivery}, invitations {member.invitations}, "
        f"digest by DM {'on' if member.digest_by_dm else 'off'}"
    )
    return part("settings", [Record(data, None, line)])


def record_parts(held: Holdings, member_id: str) -> list[Part]:
    """Every part but the profile and settings, in the file's order."""
    who = _who(member_id)
    builders: list[tuple[str, Callable[[], list[Record]]]] = [
        ("days_away", lambda: [_away(p) for p in held.away]),
        ("feed_links", lambda: [_feed(f.audience, f.created_at) for f in held.feeds]),
        ("rsvps", lambda: [_rsvp(r, m) for r, m in held.rsvps]),
        ("attendance", lambda: [_attendance(a, m, who, own=True) for a, m in held.attendance]),
        (
            "attendance_recorded",
            lambda: [_attendance(a, m, who, own=False) for a, m in held.attendance_recorded],
        ),
        ("updates_written", lambda: [_update(u, who, held.others) for u in held.updates_written]),
        ("update_edits", lambda: [_edit(r, u, held.others) for r, u in held.revisions]),
        ("topics_proposed", lambda: [_topic(t, m) for t, m in held.topics]),
        ("topics_supported", lambda: [_support(s, t, m) for s, t, m in held.supports]),
        ("agendas_published", lambda: [_agenda(a, m, held.others) for a, m in held.agendas]),
        ("links_added", lambda: [_link(k, m) for k, m in held.links]),
        ("action_items", lambda: [_action(a, m, who) for a, m in held.actions]),
        ("meetings_created", lambda: [_meeting(m) for m in held.meetings]),
        ("rounds_created", lambda: [_round(r) for r in held.rounds]),
        ("deliveries", lambda: [_delivery(d, held.others) for d in held.deliveries]),
        ("erasures_requested", lambda: [_erasure(e) for e in held.erasures]),
    ]
    return [part(key, build()) for key, build in builders]


def _who(member_id: str) -> Who:
    """ "you" for the member, "another member" for anyone else: never someone else's ID."""
    return lambda other: (
        None if other is None else "you" if other == member_id else "another member"
    )


def _meeting_ref(meeting: Meeting, local: Any) -> dict[str, Any]:
    return {
        "meeting": meeting.title,
        "meeting_id": meeting.id,
        "occurrence": occurrence(local, meeting.timezone, meeting.all_day),
    }


def _when(meeting: Meeting, local: Any) -> str:
    return f"{meeting.title}, {local:%Y-%m-%d %H:%M}" if local is not None else meeting.title


def _away(period: Any) -> Record:
    data = {
        "id": period.id,
        "first_day": day(period.first_day),
        "last_day": day(period.last_day),
        "created_at": instant(period.created_at),
    }
    return Record(data, period.created_at, f"{period.first_day} to {period.last_day}")


def _feed(audience: str, created_at: Any) -> Record:
    data = {"audience": audience, "created_at": instant(created_at)}
    return Record(data, created_at, f"the feed of {audience}, issued {created_at:%Y-%m-%d}")


def _rsvp(rsvp: Any, meeting: Meeting) -> Record:
    data = {
        "id": rsvp.id,
        **_meeting_ref(meeting, rsvp.occurrence_local),
        "answer": rsvp.answer,
        "answered_at": instant(rsvp.answered_at),
    }
    line = f"{rsvp.answer.replace('_', ' ')}: {_when(meeting, rsvp.occurrence_local)}"
    return Record(data, rsvp.answered_at, line)


def _attendance(row: Attendance, meeting: Meeting, who: Who, *, own: bool) -> Record:
    """A row of the member's own attendance (`own`), or one they recorded for someone else:
    the name and address a row holds are copied only when it is the member's."""
    attendee = "you" if own else who(row.member_id) or "a guest"
    data = {
        "id": row.id,
        **_meeting_ref(meeting, row.occurrence_local),
        "attendee": attendee,
        "name": row.name if attendee == "you" else None,
        "email": row.email if attendee == "you" else None,
        "country": row.country_code,
        "source": row.source,
        "recorded_by": who(row.recorded_by),
        "created_at": instant(row.created_at),
    }
    line = (
        f"{'present' if own else attendee} ({row.source}): {_when(meeting, row.occurrence_local)}"
    )
    return Record(data, row.created_at, line)


def _update(update: CountryUpdate, who: Who, others: Collection[str]) -> Record:
    data = {
        "id": update.id,
        "country": update.country_code,
        "round": update.round.title if update.round is not None else None,
        "created_at": instant(update.created_at),
        "updated_at": instant(update.updated_at),
        "version": update.version,
        **{name: getattr(update, name) for name in UPDATE_FIELDS},
        "revisions": [_revision(r, who, others) for r in update.revisions],
    }
    first = next((getattr(update, n) for n in UPDATE_FIELDS if getattr(update, n)), "")
    line = f"#{update.id} ({update.country_code}): {_shortened(first)}"
    return Record(data, update.created_at, line)


def _revision(revision: UpdateRevision, who: Who, others: Collection[str]) -> dict[str, Any]:
    return {
        "id": revision.id,
        "edited_by": who(revision.editor_id),
        "edited_at": instant(revision.edited_at),
        "changes": _changes(revision.changes, others),
    }


def _changes(changes: dict[str, Any], others: Collection[str]) -> dict[str, Any]:
    """`{"note": [before, after]}` as `{"note": {"before": ..., "after": ...}}`."""
    found: dict[str, Any] = {}
    for name, values in changes.items():
        if isinstance(values, list | tuple) and len(values) == 2:
            found[name] = {"before": plain(values[0], others), "after": plain(values[1], others)}
        else:
            found[name] = plain(values, others)
    return found


def _edit(revision: UpdateRevision, update: CountryUpdate, others: Collection[str]) -> Record:
    data = {
        "id": revision.id,
        "update_id": update.id,
        "country": update.country_code,
        "edited_at": instant(revision.edited_at),
        "changes": _changes(revision.changes, others),
    }
    fields = ", ".join(revision.changes) or "nothing"
    return Record(
        data, revision.edited_at, f"update #{update.id} ({update.country_code}): {fields}"
    )


def _topic(topic: Any, meeting: Meeting) -> Record:
    data = {
        "id": topic.id,
        **_meeting_ref(meeting, topic.occurrence_local),
        "title": topic.title,
        "country": topic.country_code,
        "status": topic.status,
        "created_at": instant(topic.created_at),
    }
    return Record(data, topic.created_at, f"“{_shortened(topic.title)}” for {meeting.title}")


def _support(support: Any, topic: Any, meeting: Meeting) -> Record:
    data = {
        "id": support.id,
        **_meeting_ref(meeting, topic.occurrence_local),
        "topic": topic.title,
        "country": support.country_code,
        "created_at": instant(support.created_at),
    }
    return Record(data, support.created_at, f"“{_shortened(topic.title)}” for {meeting.title}")


def _agenda(agenda: Any, meeting: Meeting, others: Collection[str]) -> Record:
    data = {
        "id": agenda.id,
        **_meeting_ref(meeting, agenda.occurrence_local),
        "published_at": instant(agenda.published_at),
        "text": agenda.text,
        "items": plain(agenda.items, others),
    }
    return Record(data, agenda.published_at, _when(meeting, agenda.occurrence_local))


def _link(link: Any, meeting: Meeting) -> Record:
    data = {
        "id": link.id,
        **_meeting_ref(meeting, link.occurrence_local),
        "kind": link.kind,
        "url": link.url,
        "created_at": instant(link.created_at),
    }
    return Record(data, link.created_at, f"{link.kind}: {_when(meeting, link.occurrence_local)}")


def _action(action: ActionItem, meeting: Meeting | None, who: Who) -> Record:
    data = {
        "id": action.id,
        "text": action.text,
        "country": action.country_code,
        "assigned_to": who(action.member_id),
        "created_by": who(action.created_by),
        "due_on": day(action.due_on),
        "status": action.status,
        "done_at": instant(action.done_at),
        "done_by": who(action.done_by),
        "done_note": action.done_note,
        "created_at": instant(action.created_at),
        **(_meeting_ref(meeting, action.occurrence_local) if meeting is not None else {}),
    }
    return Record(data, action.created_at, f"{action.status}: {_shortened(action.text)}")


def _meeting(meeting: Meeting) -> Record:
    data = {
        "id": meeting.id,
        "title": meeting.title,
        "kind": meeting.kind,
        "starts": occurrence(meeting.starts_local, meeting.timezone, meeting.all_day),
        "repeats": meeting.rrule,
        "created_at": instant(meeting.created_at),
        "cancelled_at": instant(meeting.cancelled_at),
    }
    return Record(data, meeting.created_at, meeting.title)


def _round(round_: Any) -> Record:
    data = {
        "id": round_.id,
        "title": round_.title,
        "opens_on": day(round_.opens_on),
        "due_on": day(round_.due_on),
        "created_at": instant(round_.created_at),
        "closed_at": instant(round_.closed_at),
    }
    return Record(data, round_.created_at, f"{round_.title}, due {round_.due_on}")


def _delivery(delivery: Any, others: Collection[str]) -> Record:
    data = {
        "id": delivery.id,
        "kind": delivery.kind,
        "due_at": instant(delivery.due_at),
        "status": delivery.status,
        "sent_at": instant(delivery.sent_at),
        "attempts": delivery.attempts,
        "error": delivery.error,
        "payload": plain(delivery.payload, others),
        "created_at": instant(delivery.created_at),
    }
    line = f"{delivery.kind}, {delivery.status}, due {delivery.due_at:%Y-%m-%d %H:%M} UTC"
    return Record(data, delivery.due_at, line)


def _erasure(erasure: Any) -> Record:
    data = {
        "id": erasure.id,
        "erased_at": instant(erasure.erased_at),
        "countries": erasure.country_codes,
    }
    return Record(data, erasure.erased_at, f"a member of {erasure.country_codes or 'no country'}")


def _shortened(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
