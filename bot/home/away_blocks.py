"""The Home tab's days away: the member's own (`You're away until …`, and how to end them)
and, for coordinators, who is away now or within two weeks."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.core.blocks import context, section, section_texts
from bot.core.mrkdwn import escape
from scheduling.home.facts import ConsortiumState, HomeFacts
from scheduling.language.dates import short_date
from scheduling.workdays.away import AwayMember


def my_days_away(facts: HomeFacts) -> list[Block]:
    """`You're away until Fri 20 Aug 2027` (or `You'll be away from … to …`), and how to end
    it; nothing when the member has no days away to come."""
    if not facts.away or facts.away_today is None:
        return []
    period = facts.away[0]
    if period.first <= facts.away_today:
        said = f"*You're away until {short_date(period.last)}.*"
    elif period.first == period.last:
        said = f"*You'll be away on {short_date(period.first)}.*"
    else:
        said = f"*You'll be away from {short_date(period.first)} to {short_date(period.last)}.*"
    more = len(facts.away) - 1
    if more:
        said += f" And {more} more period{'s' if more > 1 else ''} after that."
    return [
        section(
            f":palm_tree: {said} No round request, nudge or digest reaches you by DM then, and "
            "your country is not counted as missing for your absence alone."
        ),
        context(
            "Back early? `/consortium away clear` ends it; `/consortium away` lists your days "
            "away, `/consortium away cancel N` ends one."
        ),
    ]


def _away_line(away: AwayMember, today_text: str) -> str:
    member, period = away.member, away.period
    countries = ", ".join(f"{c.flag} {escape(c.name)}" for c in member.countries) or "no country"
    if period.first.isoformat() <= today_text:
        when = f"until {short_date(period.last)}"
    elif period.first == period.last:
        when = f"on {short_date(period.first)}"
    else:
        when = f"from {short_date(period.first)} to {short_date(period.last)}"
    return f"• {escape(member.name)} ({countries}) {when}"


def members_away(state: ConsortiumState, facts: HomeFacts) -> list[Block]:
    """Who is away now or within two weeks (name, country, until when), for coordinators."""
    if not state.away.shown:
        return []
    today = facts.today.isoformat()
    lines = "\n".join(_away_line(away, today) for away in state.away.shown)
    if state.away.more:
        lines += f"\n…and {state.away.more} more."
    blocks: list[Block] = [section("*Away now or soon* (next 14 days)")]
    blocks += [section(chunk) for chunk in section_texts(lines)]
    return blocks
