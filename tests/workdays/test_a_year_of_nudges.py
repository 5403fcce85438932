"""A whole year, 2027, through the scheduler as often as it needs, for the consortium file with
an open round whose nudges repeat monthly: no DM reaches a member on a public holiday of their
country, on their weekend, while they are away or outside their working hours; every nudge
that should happen happens once, at 09:30 in its recipient's zone on their next working day;
every meeting reminder keeps its offset.

"As often as it needs": the test moves the clock to the next instant anything can be due
(`Jobs.next_due`: a reminder, a nudge, a delivery waiting for its recipient, the digest, a
meeting's start or its draft agenda) and ticks, plus 300 ticks at random instants that must
change nothing.
What Slack received is read back from the emulator; what should have happened is worked out
here from the `holidays` data itself, not from the bot's own calendar code.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import yaml
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from bot.local.workspace import LocalWorkspace
from scheduling.clock import FixedClock
from scheduling.updates.views import UpdateDraft
from scheduling.vocabulary import MemberRole, UpdateField
from storage.models import Delivery
from storage.repositories.deliveries import DeliveryStatus
from tests.support import EXAMPLE_FILE, OpenWorkspace

START = datetime(2027, 1, 1, tzinfo=UTC)
END = datetime(2028, 1, 1, tzinfo=UTC)
ROUND_TITLE = "Annual report 2027"
OPENS, DUE = date(2027, 1, 4), date(2027, 12, 15)
EXTRA = {"PT": {date(2027, 6, 13)}, "all": {date(2027, 12, 24)}}
AWAY = {"U0PT": (date(2027, 8, 1), date(2027, 8, 20)), "U0TR": (date(2027, 3, 1), date(2027, 3, 5))}
HOURS = {"U0FI": (time(10, 0), time(16, 0))}
DEFAULT_HOURS = (time(8, 0), time(19, 0))
NEW_YORK = "U0GRNY"  # a Greek partner living in New York: Greek holidays, New York hours
ANSWERS = {"AT": datetime(2027, 4, 12, 12, tzinfo=UTC), "PT": datetime(2027, 9, 1, 12, tzinfo=UTC)}


def year_file() -> str:
    document = yaml.safe_load(EXAMPLE_FILE.read_text(encoding="utf-8"))
    header = document["consortium"]
    header["holidays"] = {code: sorted(d.isoformat() for d in days) for code, days in EXTRA.items()}
    header["nudges"] = [
        "every month",
        "5 working days before",
        "1 working day before",
        "1 day after",
    ]
    for member in document["members"]:
        if member["slack_id"] in HOURS:
            start, end = HOURS[member["slack_id"]]
            member["hours"] = f"{start:%H:%M}-{end:%H:%M}"
    document["members"].append(
        {
            "slack_id": NEW_YORK,
            "name": "Greek partner (New York)",
            "country": "GR",
            "roles": ["partner"],
            "timezone": "America/New_York",
        }
    )
    document["rounds"] = [
        {
            "title": ROUND_TITLE,
            "opens": OPENS.isoformat(),
            "due": DUE.isoformat(),
            "audience": "core",
            "sections": ["achievements", "challenges", "objectives", "needs"],
        }
    ]
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


@dataclass(frozen=True)
class Person:
    """A member as this test sees them: zone, the country whose holidays they keep, hours,
    days away."""

    slack_id: str
    zone: ZoneInfo
    country: str
    hours: tuple[time, time]
    away: tuple[date, date] | None
    partner: bool

    def off(self, day: date) -> str | None:
        if day.weekday() >= 5:
            return "weekend"
        public = holidays.country_holidays(self.country, years=day.year)
        if day in public:
            return f"holiday: {public[day]}"
        if day in EXTRA.get(self.country, set()) | EXTRA["all"]:
            return "day off of the consortium file"
        if self.away and self.away[0] <= day <= self.away[1]:
            return "away"
        return None

    def why_not(self, instant: datetime) -> str | None:
        local = instant.astimezone(self.zone)
        if reason := self.off(local.date()):
            return reason
        if not self.hours[0] <= local.time() < self.hours[1]:
            return f"outside working hours ({local:%H:%M})"
        return None

    def nudged(self, day: date) -> datetime:
        """When a nudge of `day` reaches them: 09:30 (or when their hours begin, if later)
        on `day` or on their next day that is neither off nor away."""
        while True:
            if self.off(day) is None:
                start = max(time(9, 30), self.hours[0])
                if start < self.hours[1]:
                    return datetime.combine(day, start, tzinfo=self.zone).astimezone(UTC)
            day += timedelta(days=1)


def people(workspace: LocalWorkspace) -> dict[str, Person]:
    found = {}
    for profile in workspace.services.directory.snapshot().profiles.values():
        found[profile.slack_id] = Person(
            profile.slack_id,
            ZoneInfo(profile.timezone),
            profile.countries[0].code,
            HOURS.get(profile.slack_id, DEFAULT_HOURS),
            AWAY.get(profile.slack_id),
            bool({MemberRole.PARTNER, MemberRole.AMBASSADOR} & set(profile.roles)),
        )
    return found


@dataclass
class Year:
    dms: list[tuple[datetime, str, str]]  # when, member, delivery key
    reminders: list[tuple[datetime, str]]  # when, delivery key (channel copies)
    ticks: int


def run_year(workspace: LocalWorkspace, clock: FixedClock) -> Year:
    rng = random.Random(2027)
    extra_ticks = sorted(START + timedelta(minutes=rng.randrange(525_600)) for _ in range(300))
    answers = sorted(ANSWERS.items(), key=lambda item: item[1])
    seen = 0
    year = Year([], [], 0)
    now = START
    while True:
        wake = workspace.jobs.next_due(now) or END
        while extra_ticks and extra_ticks[0] <= now:
            extra_ticks.pop(0)
        if extra_ticks:
            wake = min(wake, extra_ticks[0])
        if answers and answers[0][1] <= wake:
            code, at = answers.pop(0)
            clock.set(at)
            answer(workspace, code)
        if wake >= END:
            break
        clock.set(wake)
        workspace.jobs.tick()
        workspace.executor.wait_idle()
        year.ticks += 1
        now = clock.now()
        calls = workspace.emulator.calls("chat.postMessage")
        for call in calls[seen:]:
            if not call.response.get("ok"):
                continue
            channel = str(call.params.get("channel"))
            key = str(call.params.get("metadata", {}).get("event_payload", {}).get("key", ""))
            if channel.startswith(("U", "W", "D")):
                member = channel[1:] if channel.startswith("D") else channel
                year.dms.append((now, member, key))
            elif key.startswith("reminder:"):
                year.reminders.append((now, key))
        seen = len(calls)
    return year


def answer(workspace: LocalWorkspace, code: str) -> None:
    services = workspace.services
    profile = next(
        p for p in services.directory.snapshot().profiles.values() if p.home_country == code
    )
    round_id = services.rounds.resolve(ROUND_TITLE).id
    assert profile.speaks_for(code)
    draft = UpdateDraft(code, round_id, {UpdateField.ACHIEVEMENTS: f"{code}'s year so far"})
    services.updates.submit(profile, draft)


def expected_nudges(everyone: dict[str, Person]) -> dict[tuple[date, str], datetime]:
    """Each (nominal day, member) nudge that should go out, and when."""
    consortium_off = EXTRA["all"]

    def working(day: date) -> bool:
        return day.weekday() < 5 and day not in consortium_off

    def working_days_from(day: date, count: int) -> date:
        step = 1 if count > 0 else -1
        left = abs(count)
        while left:
            day += timedelta(days=step)
            left -= working(day)
        return day

    nominal = {OPENS + relativedelta(months=k) for k in range(1, 12)}
    nominal |= {working_days_from(DUE, -5), working_days_from(DUE, -1), DUE + timedelta(days=1)}
    days = sorted(d for d in nominal if OPENS < d < END.date())
    core = ("AT", "CZ", "FI", "FR", "GR", "HU", "IT", "NL", "PL", "PT", "RO", "SE", "TR")
    expected = {}
    for index, day in enumerate(days):
        following = days[index + 1] if index + 1 < len(days) else None
        for code in core:
            for member in sorted(asked_members(code, everyone)):
                person = everyone[member]
                when = person.nudged(day)
                answered = ANSWERS.get(code)
                if answered is not None and answered <= when:
                    continue
                if following is not None and when.astimezone(person.zone).date() >= following:
                    continue  # superseded by the next nudge
                expected[(day, member)] = when
    return expected


def asked_members(code: str, everyone: dict[str, Person]) -> list[str]:
    """Whom a round asks for `code`: its partners and ambassadors, else any member."""
    speaking = [m for m in everyone if everyone[m].country == code]
    return [m for m in speaking if everyone[m].partner] or speaking


def test_a_year_of_nudges_reminders_and_digests_respects_every_calendar(
    open_workspace: OpenWorkspace, tmp_path: Path
) -> None:
    clock = FixedClock(START - timedelta(days=3))
    path = tmp_path / "year.yaml"
    path.write_text(year_file(), encoding="utf-8")
    with open_workspace(clock, path) as workspace:
        for profile in workspace.services.directory.snapshot().profiles.values():
            workspace.command(profile.slack_id, "/consortium remind me dm")
            workspace.command(profile.slack_id, "/consortium digest dm")
        for member, (first, last) in AWAY.items():
            workspace.command(member, f"/consortium away {first:%Y-%m-%d} to {last:%Y-%m-%d}")
        everyone = people(workspace)
        year = run_year(workspace, clock)

    # Not one DM on a member's holiday, weekend, day away or outside their hours.
    wrong = [
        (when, member, key, reason)
        for when, member, key in year.dms
        if (reason := everyone[member].why_not(when)) is not None
    ]
    assert wrong == []
    # Every nudge that should happen happened once, at its moment.
    nudges = [(when, member, key) for when, member, key in year.dms if key.startswith("nudge:")]
    counted = Counter((key.split(":")[2], member) for _, member, key in nudges)
    assert [item for item, n in counted.items() if n > 1] == []
    got = {(date.fromisoformat(key.split(":")[2]), member): when for when, member, key in nudges}
    assert got == expected_nudges(everyone)
    # Reminders kept their offsets: every channel reminder went out at its due instant.
    assert len(year.reminders) >= 80  # weekly, monthly and quarterly meetings of 2027
    with workspace.database.read() as work:
        rows = work.session.execute(
            select(Delivery.key, Delivery.status, Delivery.due_at, Delivery.sent_at, Delivery.error)
            .where(Delivery.kind == "reminder")
            .where(~Delivery.channel.startswith("U"), Delivery.due_at >= START)
        ).all()
    assert [r for r in rows if r.status != DeliveryStatus.SENT or r.sent_at != r.due_at] == []
    kinds = Counter(key.split(":")[0] for _, _, key in year.dms)
    assert {"nudge", "digest", "reminder", "agenda"} <= set(kinds), kinds
