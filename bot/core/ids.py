"""Action, callback and block IDs, in one place so listeners and builders agree."""

HOME_VIEW_CALLBACK = "home"
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

UPDATE_FORM = "update_form"
UPDATE_COUNTRY = "update_country"
UPDATE_ROUND = "update_round"
UPDATE_EDIT = "update_edit"
UPDATE_SHOW_ALL = "update_show_all"
ROUND_SUBMIT = "round_submit"
NO_ROUND = "none"


def update_field_block(name: str) -> str:
    """Block (and action) ID of a section's input in the update form."""
    return f"update_{name}"


RSVP_ACTIONS = {"going": "rsvp_going", "not_going": "rsvp_not_going", "maybe": "rsvp_maybe"}
DELIVERY_EVENT_TYPE = "consortium_delivery"
