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
