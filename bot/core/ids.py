"""Action, callback and block IDs, in one place so listeners and builders agree."""

HOME_VIEW_CALLBACK = "home"
# The Home tab's own buttons (its RSVP, Submit and Edit buttons are the reminders' and cards').
HOME_ROUND_REMIND = "home_round_remind"
HOME_SCHEDULE_MEETING = "home_schedule_meeting"
HOME_OPEN_ROUND = "home_open_round"
# "Propose a topic" on a reminder or the Home tab, and its one-field form.
TOPIC_PROPOSE_OPEN = "topic_propose_open"
TOPIC_PROPOSE_MODAL = "topic_propose"
TOPIC_TITLE = "topic_title"
HELP_BLOCK = "help"

MEETING_MODAL = "meeting_schedule"
MEETING_KIND = "meeting_kind"
MEETING_TITLE = "meeting_title"
MEETING_DATE = "meeting_date"
MEETING_TIME = "meeting_time"
MEETING_DURATION = "meeting_duration"
MEETING_REPEAT = "meeting_repeat"
MEETING_ZONE = "meeting_zone"
MEETING_CHANNEL = "meeting_channel"
MEETING_LOCATION = "meeting_location"
MEETING_LINK = "meeting_link"
MEETING_AUDIENCE = "meeting_audience"
MEETING_REMINDERS = "meeting_reminders"

UPDATE_FORM = "update_form"
UPDATE_COUNTRY = "update_country"
UPDATE_ROUND = "update_round"
UPDATE_EDIT = "update_edit"
UPDATE_SHOW_ALL = "update_show_all"
ROUND_SUBMIT = "round_submit"
ROUND_FORM = "round_open_form"
ROUND_TITLE = "round_title"
ROUND_DUE = "round_due"
ROUND_AUDIENCE = "round_audience"
NOTE_COUNT = "note_count_for_round"
NO_ROUND = "none"

# Asking first, and undoing: the buttons of a confirmation, of its reply, and of a choice
# among several meetings or rounds when none was named.
MEETING_CANCEL_PICK = "meeting_cancel_pick"
MEETING_CANCEL_CONFIRM = "meeting_cancel_confirm"
MEETING_CANCEL_KEEP = "meeting_cancel_keep"
MEETING_CANCEL_UNDO = "meeting_cancel_undo"
ROUND_PICK = "round_pick"
ROUND_CLOSE_CONFIRM = "round_close_confirm"
ROUND_CLOSE_KEEP = "round_close_keep"
ROUND_CLOSE_UNDO = "round_close_undo"
# `/consortium subscribe reset`: new feed links for oneself, and (coordinators) for another
# member or in place of the shared links from before; Keep answers either question.
FEED_RESET_CONFIRM = "feed_reset_confirm"
FEED_RESET_OTHERS_CONFIRM = "feed_reset_others_confirm"
FEED_RESET_KEEP = "feed_reset_keep"

# Topics and the agenda of an occurrence (`bot/agenda/`).
TOPIC_SUPPORT = "topic_support"
TOPIC_DROP = "topic_drop"
TOPIC_UP = "topic_up"
TOPIC_CARRY = "topic_carry"
AGENDA_EDIT = "agenda_edit"
AGENDA_MODAL = "agenda_publish"
AGENDA_TEXT = "agenda_text"


def update_field_block(name: str) -> str:
    """Block (and action) ID of a section's input in the update form."""
    return f"update_{name}"


RSVP_ACTIONS = {"going": "rsvp_going", "not_going": "rsvp_not_going", "maybe": "rsvp_maybe"}
DELIVERY_EVENT_TYPE = "consortium_delivery"
ATTENDANCE_HERE = "attendance_here"  # the *I'm here* button of a meeting that started


# Every id column is an INTEGER (32 bits on PostgreSQL): a larger number names no record,
# and handed to the database it would be an error rather than "not found".
MAX_RECORD_ID = 2**31 - 1


def record_id(value: object) -> int | None:
    """A record's id from what a person typed or a button carried (`12`, `#12`, 12), or None
    for anything else: `²`, `1e3`, `true`, a negative or out-of-range number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        digits = value.strip().removeprefix("#")
        if not (digits.isascii() and digits.isdecimal()) or len(digits) > 10:
            return None
        value = int(digits)
    if not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_RECORD_ID else None


# The buttons of a question about a date that reads two ways (`core/readings.py`).
READING_AS_READ = "reading_as_read"
READING_OTHER = "reading_other"
READING_NEITHER = "reading_neither"
# The buttons of a warning about a date (a holiday, a weekend, out of hours: `bot/checks/`):
# Keep (or Confirm) and Move run the command again as checked; Change does nothing.
CHECK_KEEP = "check_keep"
CHECK_MOVE = "check_move"
CHECK_CHANGE = "check_change"
# Buttons that run the command they carry again.
READING_ACTIONS = (READING_AS_READ, READING_OTHER, CHECK_KEEP, CHECK_MOVE)
# More, under a page of a long answer (`core/paging/`): the command again, for the next page.
PAGE_MORE = "page_more"
# Every button that carries a command to run again: the command's own rule applies at the door.
COMMAND_BUTTONS = (*READING_ACTIONS, PAGE_MORE)
# The same warnings pushed over the round and meeting forms (`bot/checks/forms.py`): a view
# that carries what the form said, with Keep / Move (a round's) as radio buttons.
ROUND_CHECK_FORM = "round_open_checked"
ROUND_CHECK_CHOICE = "round_check_choice"
MEETING_CHECK_FORM = "meeting_schedule_checked"

# Action items: the Done button of a listed item (its value is the item's id).
ACTION_DONE = "action_done"
# "Add an action item" on a message (a message shortcut) and its form.
ACTION_SHORTCUT = "action_from_message"
ACTION_MODAL = "action_add"
ACTION_TEXT = "action_text"
ACTION_COUNTRY = "action_country"
ACTION_MEMBER = "action_member"
ACTION_DUE = "action_due"
ACTION_MEETING = "action_meeting"


def update_action_block(item_id: int) -> str:
    """Block (and action) ID of the update form's "done?" question about an open action."""
    return f"update_action_{item_id}"


def update_action_note_block(item_id: int) -> str:
    return f"update_action_note_{item_id}"


# Erasing a member (`/consortium forget`): Erase and Cancel on the confirmation, and the
# choice among members a name fits.
FORGET_ERASE = "forget_erase"
FORGET_CANCEL = "forget_cancel"
FORGET_PICK = "forget_pick"
