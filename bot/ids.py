"""Action, callback and block IDs, in one place so listeners and builders agree."""

HOME_VIEW_CALLBACK = "home"
HELP_BLOCK = "help"
