"""PNG pictures of the preview pages, taken by a headless Chromium when one is installed.

Best effort: without a browser the HTML pages are all there is, and the caller says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WIDTH = 900
MIN_HEIGHT = 400
MAX_HEIGHT = 12000
TIMEOUT_SECONDS = 60

# Added only to a throwaway copy of a page, to learn how tall it is; the pages stay script-free.
_MEASURE = (
    "<script>document.body.setAttribute('data-height', "
    "String(document.documentElement.scrollHeight));</script>"
)
_HEIGHT = re.compile(r'data-height="(\d+)"')


def find_browser() -> str | None:
    """The path of a Chromium-like browser, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(browser: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--force-device-scale-factor=1",
        *arguments,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )


def page_height(browser: str, page: Path) -> int:
    """How tall `page` is at the preview's width, in CSS pixels."""
    html = page.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>", 1)
    # Beside the page, so the stylesheet it links is found; gone once measured.
    copy = page.with_name(f".{page.stem}-measured.html")
    try:
        copy.write_text(html, encoding="utf-8")
        done = _run(browser, f"--window-size={WIDTH},{MIN_HEIGHT}", "--dump-dom", copy.as_uri())
    finally:
        copy.unlink(missing_ok=True)
    found = _HEIGHT.search(done.stdout)
    height = int(found[1]) if found else MIN_HEIGHT
    return max(MIN_HEIGHT, min(height, MAX_HEIGHT))


def screenshot(browser: str, page: Path) -> Path | None:
    """Writes `page`'s picture next to it (same name, .png); None when the browser failed."""
    picture = page.with_suffix(".png")
    picture.unlink(missing_ok=True)
    height = page_height(browser, page.resolve())
    where = f"--screenshot={picture.resolve()}"
    _run(browser, f"--window-size={WIDTH},{height}", where, page.resolve().as_uri())
    return picture if picture.exists() and picture.stat().st_size > 0 else None
