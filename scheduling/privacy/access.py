"""A member's right of access and to portability (GDPR art. 15 and 20): everything the bot
holds about them, read in one transaction, as a value that becomes their JSON file and a
readable summary.

A member asks for their own data (`/consortium my-data`); the data-protection officer, who
answers requests made by e-mail, asks from the command line (`consortium-bot my-data U…`).
"""

from __future__ import annotations

from scheduling.clock import Clock
from scheduling.consortium.directory import MemberProfile
from scheduling.errors import FieldError, NotAllowedError
from scheduling.privacy.parts import profile_part, record_parts, settings_part
from scheduling.privacy.record import PersonalData
from storage.db import Database


def only_own(caller: MemberProfile, member_id: str | None) -> None:
    """Refuse a member asking for someone else's data (None: their own)."""
    if member_id is not None and member_id != caller.slack_id:
        raise NotAllowedError(
            "You can only ask for your own data: the person it is about can ask for theirs, "
            "or write to the consortium's data-protection contact.",
            "member",
        )


class PersonalDataService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def mine(self, caller: MemberProfile, member_id: str | None = None) -> PersonalData:
        """The caller's own data. A member asks for no one else's: their data is theirs to
        ask for (the data-protection officer answers such requests from the command line)."""
        only_own(caller, member_id)
        return self.of_member(caller.slack_id)

    def of_member(self, member_id: str) -> PersonalData:
        """Everything held about `member_id`, as of now; refused for no such member."""
        with self.database.read() as work:
            held = work.personal.holdings(member_id)
            consortium = work.directory.consortium()
            if held.member is None:
                raise FieldError(
                    f"No member {member_id} in the consortium: the bot holds nothing under "
                    "that Slack ID (check it, e.g. in their Slack profile: Copy member ID).",
                    "member",
                )
            return PersonalData(
                consortium=consortium.name if consortium is not None else "",
                member_id=held.member.slack_id,
                member_name=held.member.name,
                generated_at=self.clock.now(),
                profile=profile_part(held.member, held.country_names),
                settings=settings_part(held.member),
                parts=tuple(record_parts(held, member_id)),
            )
