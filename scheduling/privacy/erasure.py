"""Erasing a member (GDPR art. 17): a coordinator (or the data-protection officer, on the
command line) names them, sees what will be removed, and confirms; then everything the bot
holds of them goes in one transaction, while their country's record stays: updates keep
their text and country, and who wrote or changed them reads "a former member of PT".

The consortium file still lists them until a coordinator removes them from it: the next
import would add them back as a new member, with none of the old data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from scheduling.clock import Clock
from scheduling.consortium.directory import DirectoryService, MemberProfile
from scheduling.errors import FieldError, NotAllowedError
from scheduling.language.words import suggest
from scheduling.privacy.former import former_marker, former_words
from storage.db import Database
from storage.models import Erasure
from storage.repositories.privacy.erasure import ErasedPerson, Footprint

# Who asked, in the accountability record, when it was not a coordinator in Slack.
COMMAND_LINE = "command line"
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_SLACK_ID = re.compile(r"[UW][A-Z0-9]{2,}")


class ErasureError(FieldError):
    """An erasure that cannot be done as asked; the message says why and what to do."""


class AlreadyErasedError(ErasureError):
    """The member is gone already: nothing was done (a second press of Erase)."""


class AmbiguousMemberError(ErasureError):
    """A name that fits several members: `candidates` to choose from."""

    def __init__(self, message: str, candidates: tuple[MemberProfile, ...]) -> None:
        super().__init__(message, "member")
        self.candidates = candidates


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing a member would remove, shown before anything happens."""

    slack_id: str
    name: str
    country_codes: tuple[str, ...]
    footprint: Footprint

    @property
    def former(self) -> str:
        """How their records will name them: "a former member of PT"."""
        return former_words(former_marker(self.country_codes)) or "a former member"


@dataclass(frozen=True)
class ErasureDone:
    """A member erased: what was removed (counted before), and the updates they wrote whose
    posted cards now name "a former member of …"."""

    plan: ErasurePlan
    erasure_id: int
    updates_written: tuple[int, ...]


class ErasureService:
    def __init__(self, database: Database, clock: Clock, directory: DirectoryService) -> None:
        self.database = database
        self.clock = clock
        self.directory = directory

    def find(self, said: str) -> MemberProfile:
        """The member `said` names: a mention as Slack sends it (`<@U…|name>`), a Slack ID or
        a name (case and accents ignored; a word of it will do when only one member has it).
        A typo gets a did-you-mean; a name that fits several members, the candidates."""
        said = said.strip().strip(",")
        if not said:
            raise ErasureError(
                "Name the member to erase, e.g. `/consortium forget @Ana`.", "member"
            )
        profiles = self.directory.load().profiles  # fresh: never act on a stale snapshot
        mention = _MENTION.fullmatch(said)
        slack_id = mention[1] if mention else said.lstrip("@")
        if slack_id in profiles:
            return profiles[slack_id]
        if mention or _SLACK_ID.fullmatch(slack_id):
            raise ErasureError(f"{slack_id} is not a member of the consortium.", "member")
        wanted = _plain(said.lstrip("@"))
        whole = [p for p in profiles.values() if _plain(p.name) == wanted]
        if not whole:
            whole = [p for p in profiles.values() if wanted in _plain(p.name).split()]
        if len(whole) == 1:
            return whole[0]
        if whole:
            listed = sorted(whole, key=lambda p: p.name)
            raise AmbiguousMemberError(
                f"{len(listed)} members are called {said!r}: which one?", tuple(listed)
            )
        names = {_plain(p.name): p.name for p in profiles.values()}
        close = suggest(wanted, names, cutoff=0.6)
        hint = f" Did you mean {names[close]}?" if close else ""
        raise ErasureError(f"No member is called {said!r}.{hint}", "member")

    def plan(self, actor: MemberProfile | None, slack_id: str) -> ErasurePlan:
        """What erasing the member would remove; nothing changes. `actor` None: the command
        line (the data-protection officer), which may erase anyone."""
        _check_may_erase(actor, slack_id)
        with self.database.read() as work:
            person = work.erasure.person(slack_id)
            if person is None:
                raise ErasureError(f"{slack_id} is not a member of the consortium.", "member")
            return _plan_of(person, work.erasure.footprint(person))

    def erase(self, actor: MemberProfile | None, slack_id: str) -> ErasureDone:
        """Erase the member in one transaction, and record that it was done (when, which
        countries, who asked); the directory forgets them at once."""
        _check_may_erase(actor, slack_id)
        with self.database.write() as work:
            person = work.erasure.person(slack_id)
            if person is None:
                raise AlreadyErasedError(
                    "Nothing to do: that member is no longer in the bot's records (erased "
                    "already, or removed).",
                    "member",
                )
            plan = _plan_of(person, work.erasure.footprint(person))
            if not work.erasure.remove_member(slack_id):
                raise AlreadyErasedError("Nothing to do: that member was just erased.", "member")
            marker = former_marker(person.country_codes)
            written = work.erasure.erase(person, marker, scrubber(person, marker))
            erasure = Erasure(
                erased_at=self.clock.now(),
                country_codes=",".join(person.country_codes),
                requested_by=actor.slack_id if actor is not None else COMMAND_LINE,
            )
            work.erasure.record(erasure)
            erasure_id = erasure.id
        self.directory.invalidate()
        self.directory.load()
        return ErasureDone(plan, erasure_id, tuple(written))


def _check_may_erase(actor: MemberProfile | None, slack_id: str) -> None:
    if actor is None:
        return
    if not actor.is_coordinator:
        raise NotAllowedError("Only coordinators can erase a member's data.", "member")
    if actor.slack_id == slack_id:
        raise ErasureError(
            "You cannot erase yourself from Slack: ask another coordinator, or the "
            "data-protection officer can run `consortium-bot forget` on the server.",
            "member",
        )


def _plan_of(person: ErasedPerson, footprint: Footprint) -> ErasurePlan:
    return ErasurePlan(person.slack_id, person.name, person.country_codes, footprint)


def scrubber(person: ErasedPerson, marker: str) -> Callable[[str], str]:
    """How any text that names the member is rewritten: a mention of them, their name and
    their e-mail become "a former member of PT"; their bare Slack ID the mark itself."""
    words = former_words(marker) or "a former member"
    rules: list[tuple[re.Pattern[str], str]] = [
        (re.compile(rf"<@{re.escape(person.slack_id)}(?:\|[^>]*)?>"), words)
    ]
    if person.email:
        rules.append((re.compile(re.escape(person.email), re.IGNORECASE), words))
    rules.append(
        (re.compile(rf"(?<![A-Za-z0-9]){re.escape(person.slack_id)}(?![A-Za-z0-9])"), marker)
    )
    if person.name.strip():
        rules.append(
            (re.compile(rf"(?<!\w){re.escape(person.name.strip())}(?!\w)", re.IGNORECASE), words)
        )

    def scrub(text: str) -> str:
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    return scrub


def _plain(text: str) -> str:
    """A name as compared: case, accents and extra spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
