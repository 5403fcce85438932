"""Country updates: submitted through the form or as a one-line note, edited with history.

Text is stored exactly as typed (escaping is the business of whoever displays it). Only a
member of a country, or a coordinator, may post or edit for that country. Each use case is
one transaction and returns what posting the card needs: the update and where to post it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from scheduling.actions.items import ActionLine, close_answered, open_lines
from scheduling.clock import Clock
from scheduling.consortium.directory import CountryRef, MemberProfile
from scheduling.delivery.cards import queue_card
from scheduling.errors import NotAllowedError
from scheduling.paging import Key
from scheduling.privacy.former import former_words
from scheduling.updates.browsing import Listing, browse
from scheduling.updates.notes import Counted, add_to_answer, awaiting_round, first_answer
from scheduling.updates.views import (
    RoundRef,
    RoundView,
    UpdateDraft,
    UpdateError,
    UpdateView,
    to_view,
)
from scheduling.vocabulary import FIELDS, SECTIONS, Audience, UpdateField
from storage.db import Database
from storage.models import CountryUpdate, UpdateRevision
from storage.repositories import UnitOfWork

__all__ = [
    "Listing",
    "Published",
    "UpdateDraft",
    "UpdateError",
    "UpdateService",
    "UpdateView",
]

# Slack's plain_text_input allows at most 3,000 characters; a note is held to the same so it
# can be edited in the form.
MAX_FIELD_LENGTH = 3000
FORM_ACTIONS = 5  # open actions the update form asks about, and countries it reads them for
MAX_NOTE_LENGTH = 3000
# Where cards go: the consortium file's updates channel, else its announcements channel.
UPDATES_CHANNEL_PURPOSES = ("updates", "announcements")


@dataclass(frozen=True)
class Published:
    """A stored update, the channel its card goes to (None: no channel is set up) and, for a
    new update, its card's delivery key (the card is queued with the update)."""

    update: UpdateView
    channel: str | None
    card: str | None = None
    awaiting: RoundView | None = None  # a note's: the open round its country has not answered


@dataclass(frozen=True)
class FormChoices:
    """What the update form offers a member: their countries and the rounds asking them."""

    countries: list[CountryRef]
    rounds: list[RoundRef]
    # Each country's open actions (a few), asked about in the form.
    actions: dict[str, list[ActionLine]] = field(default_factory=dict)


def may_post(profile: MemberProfile, country_code: str) -> bool:
    return profile.is_coordinator or profile.speaks_for(country_code)


class UpdateService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def form_choices(self, profile: MemberProfile) -> FormChoices:
        """Countries the member may post for, and the open rounds asking any of them."""
        with self.database.read() as work:
            countries = _countries_for(work, profile)
            codes = None if profile.is_coordinator else {c.code for c in countries}
            roles = {c.code: c.role for c in work.directory.countries()}
            rounds = [
                RoundRef(r.id, r.title)
                for r in work.rounds.open_rounds()
                if codes is None or codes & set(_asked(r.audience, roles))
            ]
            refs = {c.code: c for c in countries}
            actions = {
                c.code: open_lines(work, refs, [c.code], FORM_ACTIONS)[0]
                for c in countries[:FORM_ACTIONS]
            }
        return FormChoices(countries, rounds, actions)

    def submit(self, profile: MemberProfile, draft: UpdateDraft) -> Published:
        fields = _clean(draft.fields)
        if not any(fields.get(name) for name in (*SECTIONS, UpdateField.NOTE)):
            raise UpdateError("Fill in at least one section.", str(SECTIONS[0]))
        with self.database.write() as work:
            published = self._submit(work, profile, draft.country_code, draft.round_id, fields)
            now = self.clock.now()
            close_answered(work, profile, draft.country_code, draft.done_actions, now)
            return published

    def note(self, profile: MemberProfile, text: str) -> Published:
        """A one-line note; `XX: text` names the country for members of several countries."""
        body = text.strip()
        match = re.match(r"([A-Za-z]{2})\s*:\s*(.+)", body, re.DOTALL)
        with self.database.write() as work:
            codes = [c.code for c in _countries_for(work, profile)]
            known = {c.code for c in work.directory.countries()}
            if match and match[1].upper() in codes:
                country, body = match[1].upper(), match[2].strip()
            elif match and match[1].upper() in known:
                raise UpdateError(
                    f"You can post only for {', '.join(codes) or 'no country'}, not {match[1].upper()}.",
                    "country",
                )
            elif len(profile.countries) == 1:
                country = profile.countries[0].code
            elif not profile.countries:
                raise UpdateError(
                    "You have no country; start the note with one, e.g. `PT: …`", "country"
                )
            else:
                options = ", ".join(f"`{c.code}: …`" for c in profile.countries)
                raise UpdateError(
                    f"You speak for several countries; start the note with one: {options}",
                    "country",
                )
            if len(body) > MAX_NOTE_LENGTH:
                raise UpdateError(
                    f"A note holds at most {MAX_NOTE_LENGTH} characters; use `/update` for more.",
                    "note",
                )
            published = self._submit(work, profile, country, None, {UpdateField.NOTE: body})
            return replace(published, awaiting=awaiting_round(work, country))

    def count_note(
        self, profile: MemberProfile, update_id: int, round_id: int
    ) -> tuple[Published, Counted]:
        """A quick note counted as its country's answer to an open round, or added to the
        note of the answer the country gave meanwhile; the update to refresh, and what was
        done."""
        now = self.clock.now()
        with self.database.write() as work:
            note = work.updates.get_to_change(update_id)
            if note is None:
                raise UpdateError(f"There is no update #{update_id}.", "id")
            _check_may_post(profile, note.country_code)
            round_ref = _check_round(work, round_id, note.country_code)
            if note.round_id is not None:
                raise UpdateError(f"Update #{note.id} already answers a round.", "round")
            if [name for name in FIELDS if getattr(note, name).strip()] != [UpdateField.NOTE]:
                raise UpdateError("Only a quick note can be counted this way.", "note")
            answer = first_answer(work, round_id, note.country_code)
            if answer is None:
                note.round = work.rounds.get(round_id)
                counted, target = Counted(round_ref, note.id), note
            elif add_to_answer(answer, note.note.strip(), profile.slack_id, now, MAX_NOTE_LENGTH):
                counted, target = Counted(round_ref, note.id, answer.id), answer
            else:
                raise UpdateError(
                    f"The answer #{answer.id} has no room for this note; open the full form.",
                    "note",
                )
            work.flush()
            return Published(to_view(target), _updates_channel(work)), counted

    def _submit(
        self,
        work: UnitOfWork,
        profile: MemberProfile,
        country_code: str,
        round_id: int | None,
        fields: dict[UpdateField, str],
    ) -> Published:
        _check_may_post(profile, country_code)
        country = work.directory.country(country_code)
        if country is None:
            raise UpdateError(
                f"{country_code!r} is not one of the consortium's countries", "country"
            )
        round_ref = _check_round(work, round_id, country_code) if round_id is not None else None
        now = self.clock.now()
        update = CountryUpdate(
            country_code=country_code,
            round_id=round_id,
            author_id=profile.slack_id,
            created_at=now,
            updated_at=now,
            **{str(name): fields.get(name, "") for name in FIELDS},
        )
        work.updates.add(update)
        view = UpdateView(
            id=update.id,
            country=CountryRef.of(country),
            round=round_ref,
            author_id=update.author_id,
            fields={name: fields.get(name, "") for name in FIELDS},
            created_at=now,
            updated_at=now,
        )
        channel = _updates_channel(work)
        card = queue_card(work, update.id, channel, now) if channel is not None else None
        return Published(view, channel, card)

    def edit(
        self,
        profile: MemberProfile,
        update_id: int,
        fields: dict[UpdateField, str],
        seen_version: int | None = None,
    ) -> Published:
        """Change an update, keeping a revision with who changed what and the earlier text.

        `seen_version` is the version the editor's form showed: if anyone changed the update
        since, nothing is written and the editor is told, rather than their change silently
        undoing the other one."""
        cleaned = _clean(fields)
        now = self.clock.now()
        with self.database.write() as work:
            update = work.updates.get_to_change(update_id)
            if update is None:
                raise UpdateError(f"There is no update #{update_id}.", "id")
            _check_may_post(profile, update.country_code)
            if seen_version is not None and update.version != seen_version:
                editor = update.revisions[-1].editor_id if update.revisions else update.author_id
                found = work.directory.members([editor])
                who = former_words(editor) or (found[0].name if found else "Someone")
                when = update.updated_at.astimezone(ZoneInfo(profile.timezone))
                raise EditConflictError(
                    f"{who} changed this update at {when:%H:%M} ({profile.timezone}), after "
                    "you opened it, so your change was not saved. Copy your text, then press "
                    "Edit again to see theirs.",
                    str(SECTIONS[0]),
                )
            changes = {
                str(name): [getattr(update, name), value]
                for name, value in cleaned.items()
                if getattr(update, name) != value
            }
            after = {name: cleaned.get(name, getattr(update, name)) for name in FIELDS}
            if not any(after[name] for name in (*SECTIONS, UpdateField.NOTE)):
                raise UpdateError("Fill in at least one section.", str(SECTIONS[0]))
            if changes:
                for name, (_, value) in changes.items():
                    setattr(update, name, value)
                update.updated_at = now
                update.version += 1
                update.revisions.append(
                    UpdateRevision(editor_id=profile.slack_id, edited_at=now, changes=changes)
                )
            work.flush()
            return Published(to_view(update), _updates_channel(work))

    def get(self, update_id: int) -> UpdateView:
        with self.database.read() as work:
            return to_view(_existing(work, update_id))

    def history(self, update_id: int) -> list[tuple[str, datetime, dict[str, list[str]]]]:
        with self.database.read() as work:
            update = _existing(work, update_id)
            return [(r.editor_id, r.edited_at, dict(r.changes)) for r in update.revisions]

    def recent(
        self,
        *,
        limit: int = 10,
        country_code: str | None = None,
        round_id: int | None = None,
        author_id: str | None = None,
    ) -> list[UpdateView]:
        with self.database.read() as work:
            found = work.updates.recent(
                limit=limit, country_code=country_code, round_id=round_id, author_id=author_id
            )
            return [to_view(u) for u in found]

    def browse(
        self, profile: MemberProfile, word: str, argument: str | None, after: Key | None = None
    ) -> Listing:
        """`mine`, or `list` of the latest, of a country (code or name) or of a round: the
        page after `after` (the first without)."""
        with self.database.read() as work:
            return browse(work, profile, word, argument, after)


def _asked(audience: str, roles: dict[str, str]) -> list[str]:
    """The country codes a stored audience asks."""
    return Audience.from_stored(audience).countries(roles)


def _countries_for(work: UnitOfWork, profile: MemberProfile) -> list[CountryRef]:
    """The countries a member may post for: their own, or all of them for a coordinator."""
    if not profile.is_coordinator:
        return list(profile.countries)
    own = {c.code for c in profile.countries}
    every = [CountryRef.of(c) for c in work.directory.countries()]
    return sorted(every, key=lambda c: (c.code not in own, c.name))


class EditConflictError(UpdateError):
    """The update changed after the editor's form was opened; nothing was written."""


def _existing(work: UnitOfWork, update_id: int) -> CountryUpdate:
    update = work.updates.get(update_id)
    if update is None:
        raise UpdateError(f"There is no update #{update_id}.", "id")
    return update


def _updates_channel(work: UnitOfWork) -> str | None:
    channels = {c.purpose: c.slack_channel_id for c in work.directory.channels()}
    return next((channels[p] for p in UPDATES_CHANNEL_PURPOSES if p in channels), None)


def _check_may_post(profile: MemberProfile, country_code: str) -> None:
    if not may_post(profile, country_code):
        raise NotAllowedError(
            f"Only members for {country_code} and coordinators can post or edit its updates.",
            "country",
        )


def _check_round(work: UnitOfWork, round_id: int, country_code: str) -> RoundRef:
    """The round an update answers, if it is open and asks the update's country."""
    round_ = work.rounds.get(round_id)
    if round_ is None:
        raise UpdateError(f"There is no round #{round_id}.", "round")
    if round_.closed_at is not None:
        raise UpdateError(f"The round “{round_.title}” is closed.", "round")
    roles = {c.code: c.role for c in work.directory.countries()}
    if country_code not in _asked(round_.audience, roles):
        raise UpdateError(f"The round “{round_.title}” does not ask {country_code}.", "round")
    return RoundRef(round_.id, round_.title)


def _clean(fields: dict[UpdateField, str]) -> dict[UpdateField, str]:
    """Keep text as typed, but refuse what no Slack field could have sent."""
    cleaned = {}
    for name, value in fields.items():
        if name not in FIELDS:
            continue
        field = UpdateField(name)
        text = value or ""
        limit = MAX_NOTE_LENGTH if field == UpdateField.NOTE else MAX_FIELD_LENGTH
        if len(text) > limit:
            raise UpdateError(f"{field.label} holds at most {limit} characters.", str(field))
        cleaned[field] = text if text.strip() else ""
    return cleaned
