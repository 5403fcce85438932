"""`consortium-bot shell` as a workspace to live in: buttons, forms, files and a clock that
moves, driven with a script as a person would type it."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.local.shell import run_shell
from bot.local.shell_actions import ShellClock
from bot.settings import SettingsError, database_url_if_set

# A Sunday morning; the webinar below is on Monday afternoon (Vienna), its 1d reminder due
# on Sunday at 13:00 UTC.
SUNDAY = datetime(2030, 3, 3, 9, 0, tzinfo=UTC)
WEBINAR = '/meeting schedule webinar "Funding webinar" once on 2030-03-04 at 14:00'
# 4 March 2030 is Liberation Day (observed), a public holiday in BG: the bot asks first.
CONFIRM = ":click Confirm"


def shell(*lines: str, user: str = "U0PT", database_url: str | None = None) -> str:
    out = io.StringIO()
    script = io.StringIO("".join(f"{line}\n" for line in lines))
    clock = ShellClock(SUNDAY, running=False)
    assert run_shell(None, user, script, out, database_url, clock) == 0
    return out.getvalue()


def after(transcript: str, line: str) -> str:
    """What the shell printed after the member typed `line` the first time: the indented
    lines up to the next prompt."""
    _, typed, rest = transcript.partition(f"> {line}\n")
    assert typed, f"{line!r} was not typed"
    answer = []
    for printed in rest.splitlines():
        if not printed.startswith(" "):
            break
        answer.append(printed)
    return "\n".join(answer)


def test_without_database_url_the_shell_says_everything_is_temporary() -> None:
    transcript = shell(":now")
    assert transcript.startswith("Using a temporary database; everything is lost on :quit.\n")
    assert "It is Sun 3 Mar 2030 09:00 WET (Europe/Lisbon)." in transcript


def test_a_second_run_on_the_same_database_url_finds_the_meeting_the_first_scheduled(
    database_url: str,
) -> None:
    shown = make_url(database_url).render_as_string(hide_password=True)
    first = shell(WEBINAR, CONFIRM, user="U0COORD1", database_url=database_url)
    assert first.startswith(f"Using DATABASE_URL {shown} — changes are kept.\n")
    assert "It was empty: imported capacities.yaml." in first
    second = shell("/meeting list", user="U0COORD1", database_url=database_url)
    assert "It already holds CapaCITIES; capacities.yaml was not imported" in second
    assert "Funding webinar" in after(second, "/meeting list")
    password = make_url(database_url).password
    if password:
        assert str(password) not in first + second


def test_the_update_form_is_filled_refused_when_empty_and_then_posts_the_card() -> None:
    transcript = shell(
        "/update",
        ":submit",
        ':fill achievements="Platform launched with 9 cities" round=none needs="Peer learning"',
        ":form",
        ":submit",
        ":form",
    )
    refused = after(transcript, ":submit")
    assert "The bot did not take the form; it is still open to fix:" in refused
    assert (
        "Achievements: <multi-line text input> (optional)\n  │   ^ Fill in at least one section."
        in refused
    )
    filled = after(transcript, ":form")
    assert '= "Platform launched with 9 cities"' in filled
    assert "= No round (a free update)" in filled
    assert "^ Fill in" not in filled
    posted = transcript.split("> :submit\n")[2]
    assert "bot → #announcements:" in posted
    assert "== Portugal: country update ==" in posted
    assert "Platform launched with 9 cities" in posted
    assert "No form is open." in transcript.rsplit("> :form\n", 1)[1]


def test_a_round_dm_button_opens_the_form_for_the_member_it_was_sent_to() -> None:
    transcript = shell(
        ":as U0COORD1",
        '/round open "Plan 2031" due 2031-01-20 for PT FI',
        ":click submit",
        ":tick +2d",  # the shell's clock starts on a Saturday: the DMs wait for Monday
        ":as portuguese",
        ":click submit update",
        ":fill achiev=Done",
        ":submit",
    )
    assert "The last reply has no buttons you can see." in after(transcript, ":click submit")
    pressed = after(transcript, ":click submit update")
    assert "You press “Submit update” (your DM with the bot: Plan 2031" in pressed
    assert "[Modal] Country update" in pressed
    assert "= Plan 2031" in pressed  # the round is chosen for them
    assert "== Portugal: country update ==" in after(transcript, ":submit")


def test_files_lists_what_the_bot_shared_and_save_writes_the_bytes(tmp_path: Path) -> None:
    target = tmp_path / "webinar.ics"
    transcript = shell(WEBINAR, CONFIRM, ":files", f":save 1 {target}", user="U0COORD1")
    listed = after(transcript, ":files")
    assert "1. funding-webinar.ics" in listed
    assert "in #announcements (in a thread)" in listed
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert f"Wrote funding-webinar.ics ({target.stat().st_size:,} bytes) to {target}." in transcript


def test_tick_delivers_the_reminder_due_and_its_rsvp_button_answers() -> None:
    transcript = shell(
        ":as U0COORD1", WEBINAR, CONFIRM, ":as portuguese", ":tick +1d", ":click going", ":now"
    )
    ticked = after(transcript, ":tick +1d")
    assert "── Sun 3 Mar 2030 13:00: reminders: 1 sent" in ticked
    assert "== Reminder: Funding webinar ==" in ticked
    assert "[Going] [Not going] [Maybe]" in ticked
    assert "It is now Mon 4 Mar 2030 09:00 WET (Europe/Lisbon)." in ticked
    clicked = after(transcript, ":click going")
    assert "You press “Going” (#announcements: Reminder: Funding webinar)" in clicked
    assert "Portugal 1/0/0" in clicked  # the reminder is redrawn with the answer
    assert "It is Mon 4 Mar 2030 09:00 WET" in after(transcript, ":now")


def test_bad_inputs_are_each_answered_with_what_the_shell_expected() -> None:
    transcript = shell(
        ":click nothing",
        ":fill title=Kick-off",
        ":save 99 x",
        ":tick soon",
        ":tikc",
        ":as nobody-at-all",
        "/update",
        ":fill colour=blue",
        ":fill round=maybe",
        ":fill achievements",
        "/update mine",
    )
    assert "The last reply has no buttons you can see." in after(transcript, ":click nothing")
    assert "No form is open." in after(transcript, ":fill title=Kick-off")
    assert (
        "There is no file 99: the bot has not shared any file yet. Example: :save 1 invite.ics"
        in after(transcript, ":save 99 x")
    )
    assert "I could not read 'soon' as a time: expected +1d, +2h, +30m" in after(
        transcript, ":tick soon"
    )
    assert "Did you mean :tick?" in after(transcript, ":tikc")
    assert "No member is called 'nobody-at-all'" in after(transcript, ":as nobody-at-all")
    assert "There is no field 'colour'. Choose one of: Answers the round, Achievements" in after(
        transcript, ":fill colour=blue"
    )
    assert "There is no choice for Answers the round 'maybe'" in after(
        transcript, ":fill round=maybe"
    )
    assert "'achievements' is not field=value" in after(transcript, ":fill achievements")


def test_click_names_the_buttons_when_none_or_several_match() -> None:
    transcript = shell(
        "/update first note",
        "/update second note",
        "/update mine",
        ":click edit",
        ":click publish",
        ":click 2",
    )
    several = after(transcript, ":click edit")
    assert "'edit' names 2 buttons; say which by number (e.g. :click 1):" in several
    assert "1. “Edit” (reply to you: Your updates)" in several
    assert "[Modal] Edit update" in after(transcript, ":click 2")
    assert "No button reads 'publish'" in after(transcript, ":click publish")


def test_the_meeting_form_takes_choices_dates_and_channels_as_a_person_picks_them() -> None:
    transcript = shell(
        "/meeting",
        ":submit",
        ":fill date=someday",
        ":fill time=10:30",
        ':fill title="Kick-off" date=2030-03-12 start=10:30 channel=#jour repeat=weekly kind=work',
        ":submit",
        user="U0COORD1",
    )
    opened = after(transcript, "/meeting")
    assert "Channel for the invite and reminders: <conversation select> (optional)" in opened
    required = after(transcript, ":submit")
    assert "Slack would not send this yet: Title must be filled in." in required
    assert "Title: <text input>\n  │   ^ This field is required." in required
    assert "Date: 'someday' is not a date; a date picker takes YYYY-MM-DD" in after(
        transcript, ":fill date=someday"
    )
    assert "'time' could be more than one field: Start time, Time zone of the meeting" in after(
        transcript, ":fill time=10:30"
    )
    scheduled = transcript.split("> :submit\n")[2]
    assert "[Modal] Meeting scheduled" in scheduled
    assert "Kick-off" in scheduled
    assert "bot → #jour-fixe:" in scheduled


def test_the_shell_reads_database_url_only_when_it_is_set(tmp_path: Path) -> None:
    assert database_url_if_set({}, None) is None
    assert database_url_if_set({"DATABASE_URL": " "}, None) is None
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url_if_set({"DATABASE_URL": url}, None) == url
    with pytest.raises(SettingsError, match="DATABASE_URL is malformed"):
        database_url_if_set({"DATABASE_URL": "not a url"}, None)


def test_tick_alone_runs_the_jobs_now_and_says_when_nothing_was_due() -> None:
    transcript = shell(":tick", ":tick", ":tick +30m")
    assert "Nothing was due." in transcript.split("> :tick\n")[2]
    assert "It is now Sun 3 Mar 2030 09:30 WET (Europe/Lisbon)." in after(transcript, ":tick +30m")
