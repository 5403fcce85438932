"""Safe Slack text: escaping user input, mentions from IDs we trust, and date tokens."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from scheduling.privacy.former import former_words


def escape(text: str) -> str:
    """Escape Slack's three control characters so user text cannot mention or link anyone.

    Only `&`, `<` and `>` are decoded by Slack; HTML-escaping more (quotes) would show
    entities literally.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo Slack's escaping of `&`, `<` and `>` in text it sends us (e.g. command text)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mention(slack_id: str) -> str:
    """A user mention built from an ID the bot holds, never from user-typed text."""
    if not slack_id.isalnum():
        raise ValueError(f"not a Slack ID: {slack_id!r}")
    return f"<@{slack_id}>"


def person(value: str) -> str:
    """Who acted, as mrkdwn: a mention of a member's Slack ID, or the words of an erased
    member's mark ("a former member of PT"), which must never become a mention."""
    words = former_words(value)
    return escape(words) if words is not None else mention(value)


def channel_link(channel_id: str) -> str:
    if not channel_id.isalnum():
        raise ValueError(f"not a Slack channel ID: {channel_id!r}")
    return f"<#{channel_id}>"


def date_token(
    instant: datetime, fallback_zone: str, token_format: str = "{date_short_pretty} {time}"
) -> str:
    """A Slack date token: each reader sees `instant` in their own zone.

    The fallback (for clients that cannot render tokens) names the zone explicitly.
    """
    if instant.tzinfo is None:
        raise ValueError("date tokens need an aware datetime")
    local = instant.astimezone(ZoneInfo(fallback_zone))
    fallback = f"{local:%a %d %b %Y %H:%M} {local.tzname()} ({fallback_zone})"
    return f"<!date^{int(instant.timestamp())}^{token_format}|{escape(fallback)}>"


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """At most `limit` characters, cut on a word boundary where one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ellipsis)]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut + ellipsis


def escaped_prefix_length(text: str, room: int) -> int:
    """The longest prefix of `text` whose escaped form fits in `room` characters."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if len(escape(text[:middle])) <= room:
            low = middle
        else:
            high = middle - 1
    return low


def escaped_chunks(text: str, limit: int) -> list[str]:
    """`text` escaped and cut into pieces of at most `limit` characters, never inside an
    entity, preferably after a line break or a space; joined, they are the whole text."""
    chunks = []
    rest = text
    while rest:
        cut = escaped_prefix_length(rest, limit)
        if cut < len(rest):
            boundary = max(rest.rfind("\n", 0, cut), rest.rfind(" ", 0, cut))
            if boundary > cut // 2:
                cut = boundary + 1
        chunks.append(escape(rest[:cut]))
        rest = rest[cut:]
    return chunks
