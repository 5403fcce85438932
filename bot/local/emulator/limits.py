"""Slack's documented limits, which the emulator enforces as Slack does."""

from __future__ import annotations

# Slack's documented limits.
MAX_MESSAGE_TEXT_CHARS = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT_CHARS = 3000
MAX_SECTION_FIELDS = 10
MAX_SECTION_FIELD_CHARS = 2000
MAX_HEADER_TEXT_CHARS = 150
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_ID_CHARS = 255
MAX_BUTTON_TEXT_CHARS = 75
MAX_BUTTON_VALUE_CHARS = 2000
MAX_BUTTON_URL_CHARS = 3000
MAX_INPUT_LABEL_CHARS = 2000
MAX_VIEW_TITLE_CHARS = 24
MAX_PRIVATE_METADATA_CHARS = 3000
MAX_RESPONSE_URL_USES = 5
DEFAULT_TRIGGER_TTL = 3.0
DEFAULT_HISTORY_LIMIT = 100
MAX_HISTORY_LIMIT = 999
# conversations.replies answers at most 1,000 messages a page (its default too).
MAX_REPLIES_LIMIT = 1000

UPLOAD_URL_METHOD = "upload_url"
RESPONSE_URL_METHOD = "response_url"

KNOWN_BLOCK_TYPES = frozenset(
    {
        "actions",
        "call",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
