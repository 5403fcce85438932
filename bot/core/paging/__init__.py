"""Long answers a page at a time. An answer that grows with what is stored shows its first page
in the ack, ends with "Showing 1–20 of 143" and a More button, and More answers with the next
page in place of the one before (by response_url), with More again while more follow.

The button carries the command as Slack sent it and the key where the page ended, so pressing
it runs the same command through the same door and checks, for the page after that key: the
listener reads the key back (`Paging.of`) and its service reads that page alone from the
database (`scheduling/paging.py`). A page holds a fixed number of entries, each in at most one
block and trimmed to a section's 3,000 characters, so it keeps within Slack's 50 blocks.
"""

from bot.core.paging.blocks import entry_sections, nothing_more, page_footer
from bot.core.paging.more import Paging, install, rerun_carried, rerun_page

__all__ = [
    "Paging",
    "entry_sections",
    "install",
    "nothing_more",
    "page_footer",
    "rerun_carried",
    "rerun_page",
]
