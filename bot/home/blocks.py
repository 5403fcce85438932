"""The App Home tab: what the consortium expects of this member this week, their settings,
and for coordinators the state of the whole consortium. Every list arrives already cut
(`scheduling/home/facts.py`), so the tab stays within Slack's 100 blocks by construction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    DividerBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.actions.blocks import action_section
from bot.agenda.proposing import propose_button
from bot.core import ids
from bot.core.blocks import (
    MAX_SECTION_TEXT,
    MAX_VIEW_BLOCKS,
    as_dicts,
    context,
    header,
    section,
    section_texts,
)
from bot.core.mrkdwn import escape, truncate
from bot.home.away_blocks import members_away, my_days_away
from bot.lifecycle.blocks import deactivated_members
from bot.meetings.blocks import link, when_mrkdwn
from bot.reminders.blocks import rsvp_value
from bot.reminders.digest_blocks import archive_link, country_names, meeting_line
from scheduling.calendars.feeds import FeedLink
from scheduling.home.facts import ConsortiumState, Cut, HomeFacts, MyMeeting, MySettings, OwedRound
from scheduling.language.dates import day_of_year, due_words, short_date
from scheduling.updates.views import RoundStatus
from scheduling.vocabulary import MemberRole, RsvpAnswer

TITLE_ROOM = 150  # of a meeting's or round's title in a line; the rest is one click away
SHOWN_NAMES = 12  # countries named in a round's progress on the tab; the rest are counted
MAX_LABEL = 75  # Slack's limit on a button's accessibility label


def label(text: str) -> str:
    """An accessibility label (plain text) within Slack's limit, however long the names."""
    return truncate(text, MAX_LABEL)


def home_view(facts: HomeFacts, public_url: str | None) -> dict[str, Any]:
    """The member's Home tab, and for coordinators the consortium's below it."""
    profile = facts.profile
    countries = ", ".join(f"{c.flag} {escape(c.name)}" for c in profile.countries)
    roles = ", ".join(MemberRole(r).label for r in profile.roles) or "no role yet"
    blocks: list[Block] = [
        header(f"{facts.consortium}: what is expected of you"),
        context(
            f"*{escape(profile.name)}* · {countries or 'no country'} · {escape(roles)} · "
            "times are shown in your own time zone · `/consortium help` lists what you can ask"
        ),
        *my_days_away(facts),
        *_meetings(facts.meetings),
        *_owed(facts.owed, facts, bool(profile.countries)),
        *_actions(facts),
        *_recent(facts),
        *_settings(facts.settings, public_url, profile.is_coordinator),
    ]
    if facts.coordinator is not None:
        blocks += _coordinators(facts.coordinator, facts)
    return {
        "type": "home",
        "callback_id": ids.HOME_VIEW_CALLBACK,
        "blocks": as_dicts(blocks)[:MAX_VIEW_BLOCKS],
    }


def _title(text: str) -> str:
    return escape(truncate(text, TITLE_ROOM))


def _more(cut: Cut[Any], where: str) -> list[Block]:
    return [context(f"…and {cut.more} more: {where}")] if cut.more else []


def _answer_buttons(meeting: MyMeeting) -> list[ButtonElement]:
    """Going / Not going / Maybe, the member's own answer marked in words as well as colour."""
    occurrence = meeting.occurrence
    value = rsvp_value(occurrence.series.id, occurrence.original_local, 0)
    return [
        ButtonElement(
            text=f"✓ {answer.label}" if answer == meeting.answer else answer.label,
            action_id=ids.RSVP_ACTIONS[answer],
            value=value,
            style="primary" if answer == meeting.answer else None,
            accessibility_label=label(
                ("Your answer: " if answer == meeting.answer else "")
                + f"{answer.label} to {occurrence.series.title}"
            ),
        )
        for answer in RsvpAnswer
    ]


def _meetings(meetings: Cut[MyMeeting]) -> list[Block]:
    blocks: list[Block] = [section("*Your next meetings* (next 14 days)")]
    if not meetings.shown:
        blocks.append(context("None for you in the next 14 days. `/meeting next` looks further."))
    for number, meeting in enumerate(meetings.shown):
        series = meeting.occurrence.series
        lines = [f"*{_title(series.title)}*", when_mrkdwn(meeting.occurrence)]
        where = []
        if series.join_url:
            where.append(link(series.join_url, "Join link"))
        if series.location:
            where.append(escape(truncate(series.location, 200)))
        if where:
            lines.append(" · ".join(where))
        answered = meeting.answer.label.lower() if meeting.answer else "not answered yet"
        lines.append(f"Your answer: {answered}")
        blocks.append(section("\n".join(lines)))
        propose = propose_button(meeting.occurrence)
        buttons = _answer_buttons(meeting) + ([propose] if propose else [])
        blocks.append(ActionsBlock(block_id=f"home-rsvp-{number}-{series.id}", elements=buttons))
    return blocks + _more(meetings, "`/meeting next`")


def _owed_line(owed: OwedRound, facts: HomeFacts) -> str:
    round_ = owed.round
    who = f"{owed.country.flag} {escape(owed.country.name)}"
    if owed.submitted_on is not None:
        day = day_of_year(owed.submitted_on, facts.today)
        state = f"✅ Submitted {day}" + (" (after the due date)" if owed.late else "")
    elif facts.today > round_.due_on:
        state = f"⚠️ *Not submitted, {due_words(round_.due_on, facts.today)}*"
    else:
        state = f"Not submitted yet, {due_words(round_.due_on, facts.today)}"
    return f"*{_title(round_.title)}* (#{round_.id}) · {who}\n{state}"


def _owed_button(owed: OwedRound) -> ButtonElement:
    if owed.update_id is not None:
        return ButtonElement(
            text="Edit",
            action_id=ids.UPDATE_EDIT,
            value=str(owed.update_id),
            accessibility_label=label(f"Edit {owed.country.name}'s answer to {owed.round.title}"),
        )
    return ButtonElement(
        text="Submit",
        action_id=ids.ROUND_SUBMIT,
        value=json.dumps({"round": owed.round.id, "country": owed.country.code}),
        style="primary",
        accessibility_label=label(f"Submit {owed.country.name}'s update for {owed.round.title}"),
    )


def _owed(owed: Cut[OwedRound], facts: HomeFacts, has_country: bool) -> list[Block]:
    if not has_country:
        return []
    countries = [escape(c.name) for c in facts.profile.countries]
    names = (
        ", ".join(countries[:-1]) + f" and {countries[-1]}" if len(countries) > 1 else countries[0]
    )
    verb = "owe" if len(countries) > 1 else "owes"
    blocks: list[Block] = [DividerBlock(), section(f"*What {names} {verb}*")]
    if not owed.shown:
        blocks.append(context("Nothing: no open round is waiting for your country."))
    for number, item in enumerate(owed.shown):
        blocks.append(
            SectionBlock(
                block_id=f"home-owed-{number}-{item.round.id}",
                text=MarkdownTextObject(text=_owed_line(item, facts)),
                accessory=_owed_button(item),
            )
        )
    return blocks + _more(owed, "`/round status`")


def _actions(facts: HomeFacts) -> list[Block]:
    """The open actions of the member's countries, each with its Done button."""
    if not facts.profile.countries:
        return []
    blocks: list[Block] = [section("*Your country's open actions*")]
    if not facts.actions.shown:
        return [*blocks, context("None open. `/action add` notes one.")]
    blocks += [
        action_section(item, facts.today, f"home-action-{number}-{item.id}")
        for number, item in enumerate(facts.actions.shown)
    ]
    return blocks + _more(facts.actions, "`/action list`")


def _recent(facts: HomeFacts) -> list[Block]:
    blocks: list[Block] = [DividerBlock(), section("*Recent updates* (last 7 days)")]
    recent = facts.recent
    if not recent.shown:
        return [*blocks, context("No updates in the last 7 days.")]
    lines = [
        f"{line.country.flag} *{escape(line.country.name)}*: "
        + archive_link(
            line.posted_channel,
            line.posted_ts,
            truncate(line.first_line, 150) or f"update #{line.id}",
        )
        for line in recent.shown
    ]
    blocks += [section(chunk) for chunk in section_texts("\n".join(lines))]
    return blocks + _more(recent, "`/update list`")


def _feed_lines(feeds: Sequence[FeedLink], public_url: str | None) -> str:
    if public_url is None:
        return "Calendar feeds: not reachable yet (whoever runs the bot sets PUBLIC_URL)."
    return (
        "Calendar feeds to subscribe to (anyone with a link can read that calendar):\n"
        + "\n".join(
            f"• <{public_url}/calendar/{feed.token}.ics|{escape(feed.label)}>" for feed in feeds
        )
    )


def _settings(settings: MySettings, public_url: str | None, coordinator: bool) -> list[Block]:
    reminders = "as direct messages" if settings.reminders == "dm" else "in the meetings' channels"
    if settings.invitations_by_mail:
        mail = f"on, to {escape(settings.email or '')}"
    elif settings.email is None:
        mail = "off (the consortium file has no e-mail address for you)"
    else:
        mail = "off"
    if settings.invitations_by_mail and not settings.mail_works:
        mail += " (waiting: the bot cannot send e-mail yet)"
    stored = "your Slack ID, name, countries, roles and time zone" + (
        ", your e-mail address" if settings.email else ""
    )
    lines = [
        f"*Meeting reminders:* {reminders} · `/consortium remind me dm|channel`",
        f"*Invitations by e-mail:* {mail} · `/consortium invites email|off`",
        f"*Weekly digest by DM:* {'on' if settings.digest_by_dm else 'off'} · "
        "`/consortium digest dm|off`",
        f"*Working hours:* {escape(settings.working_hours)} · `/consortium hours 9-17`",
    ]
    return [
        DividerBlock(),
        section("*Your settings*\n" + "\n".join(lines)),
        section(truncate(_feed_lines(settings.feeds, public_url), MAX_SECTION_TEXT)),
        context(
            f"What this bot stores about you: {stored}; your settings and days away; your "
            "answers to meetings and attendance; the updates you post and edit; the messages it "
            "sent you. `/consortium my-data` sends you all of it as a file. "
            + (
                "Profiles come from the consortium file, which coordinators keep; "
                "`/consortium forget @member` erases a member."
                if coordinator
                else "To have something corrected or erased, ask a coordinator."
            )
        ),
    ]


def _round_progress(status: RoundStatus, facts: HomeFacts) -> str:
    round_ = status.round
    asked = len(status.countries)
    answered = asked - len(status.missing)
    missing = [row.country for row in status.missing if row.listed]
    unlisted = [row.country for row in status.unlisted]
    nobody = f" ({len(unlisted)} of them with no member listed)" if unlisted else ""
    lines = [
        f"*{_title(round_.title)}* (#{round_.id}) · {due_words(round_.due_on, facts.today)}",
        f"{answered} of {asked} countries answered{nobody}",
    ]
    if missing:
        lines.append(f"Missing: {country_names(missing, SHOWN_NAMES)}")
    if unlisted:
        lines.append(
            f"No member listed for {country_names(unlisted, SHOWN_NAMES)} in the consortium file"
        )
    return "\n".join(lines)


def _remind_button(status: RoundStatus) -> ButtonElement | None:
    waiting = len([row for row in status.missing if row.listed])
    if not waiting:
        return None
    countries = "country" if waiting == 1 else "countries"
    return ButtonElement(
        text="Remind",
        action_id=ids.HOME_ROUND_REMIND,
        value=str(status.round.id),
        accessibility_label=label(
            f"Remind the {waiting} {countries} missing from {status.round.title}"
        ),
        confirm=ConfirmObject(
            title="Remind by DM?",
            # Plain text: a title is shown as typed, never read as mrkdwn.
            text=PlainTextObject(
                text=f"DM the members of the {waiting} {countries} that have not answered "
                f"“{truncate(status.round.title, 150)}”?"
            ),
            confirm="Remind them",
            deny="Not now",
        ),
    )


def _coordinators(state: ConsortiumState, facts: HomeFacts) -> list[Block]:
    blocks: list[Block] = [
        DividerBlock(),
        header("For coordinators: the whole consortium"),
        ActionsBlock(
            block_id="home-shortcuts",
            elements=[
                ButtonElement(
                    text="Schedule a meeting", action_id=ids.HOME_SCHEDULE_MEETING, style="primary"
                ),
                ButtonElement(text="Open a round", action_id=ids.HOME_OPEN_ROUND),
            ],
        ),
        *deactivated_members(state),
        section("*Open rounds*"),
    ]
    if not state.rounds.shown:
        blocks.append(context("No round is open."))
    for number, status in enumerate(state.rounds.shown):
        blocks.append(
            SectionBlock(
                block_id=f"home-round-{number}-{status.round.id}",
                text=MarkdownTextObject(text=_round_progress(status, facts)),
                accessory=_remind_button(status),
            )
        )
    blocks += _more(state.rounds, "`/round status`")
    blocks.append(section("*Next meetings of the consortium* (next 14 days)"))
    lines = [meeting_line(m.occurrence, m.totals) for m in state.meetings.shown if m.totals]
    blocks += [section(chunk) for chunk in section_texts("\n".join(lines))] or [
        context("None in the next 14 days.")
    ]
    blocks += _more(state.meetings, "`/meeting next all`")
    blocks += members_away(state, facts)
    blocks += _missing_minutes(state)
    blocks += _deliveries(state)
    return blocks


def _missing_minutes(state: ConsortiumState) -> list[Block]:
    """Meetings that ended over a week ago with no minutes: a few lines, cut."""
    missing = state.missing_minutes
    if not missing.shown:
        return []
    lines = [
        f"• {_title(m.meeting_title)} (#{m.meeting_id}), {short_date(m.occurrence_day)}"
        for m in missing.shown
    ]
    return [
        section("*Minutes missing* (a week after the meeting)\n" + "\n".join(lines)),
        *_more(missing, "`/meeting minutes <id> on DATE <url>` adds them"),
    ]


def _deliveries(state: ConsortiumState) -> list[Block]:
    health = state.deliveries
    counts = ", ".join(f"{n} {s}" for s, n in sorted(health.counts.items())) or "none yet"
    lines = [f"*Messages the bot sent or is sending:* {counts}"]
    if health.problems.shown:
        lines.append("*Pending or failed:*")
        lines += [
            f"• `{escape(truncate(key, 80))}` {state_}, {attempts} attempts"
            + (f": {escape(truncate(error, 200))}" if error else "")
            for key, state_, error, attempts in health.problems.shown
        ]
    else:
        lines.append("Nothing pending or failed.")
    blocks: list[Block] = [section(chunk) for chunk in section_texts("\n".join(lines))]
    return blocks + _more(health.problems, "`/consortium status`")
