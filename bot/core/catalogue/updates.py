"""The catalogue's entries for `/update` and `/digest`: country updates and the weekly digest."""

from __future__ import annotations

from bot.core.catalogue.model import DIGEST_COMMAND, UPDATE_COMMAND, CommandHelp

ENTRIES: tuple[CommandHelp, ...] = (
    CommandHelp(
        UPDATE_COMMAND,
        "/update",
        "Open the form for your country's update: achievements, challenges, planned "
        "objectives and actions, needs from the consortium, upcoming national events, links.",
        "/update",
        most_used="Write your country's update in a form",
    ),
    CommandHelp(
        UPDATE_COMMAND,
        "/update <text>",
        "Post a one-line note for your country (start with a country code if you have several); "
        "while a round waits for your country, a button counts the note as its answer.",
        "/update PT: the national mission platform went live today",
        most_used="Post a one-line update",
    ),
    CommandHelp(
        UPDATE_COMMAND,
        "/update list [country | round]",
        "Recent updates, of one country or one round.",
        "/update list Portugal",
    ),
    CommandHelp(
        UPDATE_COMMAND, "/update mine", "Your updates, each with an Edit button.", "/update mine"
    ),
    CommandHelp(
        DIGEST_COMMAND,
        "/digest preview",
        "This week's digest, shown only to you.",
        "/digest preview",
    ),
    CommandHelp(
        DIGEST_COMMAND,
        "/digest now",
        "Post the digest to the digest channel now.",
        "/digest now",
        coordinators_only=True,
        words=("now",),
        refusal="post the digest",
        topic="admin",
    ),
)
