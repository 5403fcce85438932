""" "Add an action item" on a message: the message's words (as Slack escapes them) become an
editable action for a country or a member, refused under the field when they must be."""

from __future__ import annotations

import json
from typing import Any

from bot.core import ids
from bot.local.workspace import LocalWorkspace

COORDINATOR = "U0COORD1"
PORTUGUESE = "U0PT"
JOUR_FIXE_CHANNEL = "C0JOURFIXE"
SAID = {"type": "message", "user": PORTUGUESE, "ts": "1704445200.000100"}


def values(
    text: str, country: str | None, due: str | None = None, meeting: str = ""
) -> dict[str, Any]:
    found: dict[str, Any] = {
        ids.ACTION_TEXT: {ids.ACTION_TEXT: {"type": "plain_text_input", "value": text}},
        ids.ACTION_MEETING: {ids.ACTION_MEETING: {"type": "plain_text_input", "value": meeting}},
        ids.ACTION_MEMBER: {ids.ACTION_MEMBER: {"type": "users_select", "selected_user": None}},
        ids.ACTION_DUE: {ids.ACTION_DUE: {"type": "datepicker", "selected_date": due}},
    }
    if country is not None:
        found[ids.ACTION_COUNTRY] = {
            ids.ACTION_COUNTRY: {"type": "static_select", "selected_option": {"value": country}}
        }
    return found


def test_a_message_in_the_meetings_thread_becomes_an_action(workspace: LocalWorkspace) -> None:
    message = {**SAID, "text": "PT will send the roadmap &lt;draft&gt; &amp; annex"}
    chosen = workspace.message_shortcut(
        COORDINATOR, ids.ACTION_SHORTCUT, message, JOUR_FIXE_CHANNEL
    )
    (form,) = [c.params["view"] for c in chosen.calls if c.method == "views.open"]
    text_input = next(b for b in form["blocks"] if b.get("block_id") == ids.ACTION_TEXT)
    assert text_input["element"]["initial_value"] == "PT will send the roadmap <draft> & annex"
    bad = workspace.submit_view(COORDINATOR, form, values("Send it", "PT", meeting="x1"))
    assert isinstance(bad.ack, dict) and ids.ACTION_MEETING in bad.ack["errors"]
    added = workspace.submit_view(
        COORDINATOR,
        form,
        values("Send the roadmap <draft> & annex", "PT", due="2024-01-19", meeting="1"),
    )
    assert isinstance(added.ack, dict) and added.ack["response_action"] == "update"
    shown = json.dumps(added.ack["view"])
    assert "Send the roadmap &lt;draft&gt; &amp; annex" in shown
    listed = workspace.command(PORTUGUESE, "/action list")
    assert "Send the roadmap &lt;draft&gt; &amp; annex" in json.dumps(listed.ack)
    assert "due Fri 19 Jan" in json.dumps(listed.ack)


def test_a_partner_cannot_give_another_country_an_action_from_a_message(
    workspace: LocalWorkspace,
) -> None:
    chosen = workspace.message_shortcut(
        PORTUGUESE, ids.ACTION_SHORTCUT, {**SAID, "text": "Finland does it"}, JOUR_FIXE_CHANNEL
    )
    (form,) = [c.params["view"] for c in chosen.calls if c.method == "views.open"]
    refused = workspace.submit_view(PORTUGUESE, form, values("Finland does it", "FI"))
    assert isinstance(refused.ack, dict) and refused.ack["response_action"] == "errors"
    assert "Only coordinators and Finland's members" in json.dumps(refused.ack["errors"])
