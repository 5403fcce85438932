"""Who a meeting is for: its audience turned into members."""

from __future__ import annotations

from collections.abc import Iterable

from scheduling.consortium.directory import MemberProfile


def in_audience(profile: MemberProfile, audience: str) -> bool:
    if audience == "all":
        return True
    if audience in ("core", "supporting"):
        return any(c.role == audience for c in profile.countries)
    if audience == "wp-lead":
        # Coordinators lead the core team's work too, and get the wp-lead feed for it.
        return "wp-lead" in profile.roles or profile.is_coordinator
    if audience.startswith("countries:"):
        codes = audience.removeprefix("countries:").split(",")
        return any(profile.speaks_for(code) for code in codes)
    return False


def audience_members(profiles: Iterable[MemberProfile], audience: str) -> list[MemberProfile]:
    return sorted((p for p in profiles if in_audience(p, audience)), key=lambda p: p.name)
