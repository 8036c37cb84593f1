"""How the project drives Debian's chromium headless: browser tests, the report benchmark, the screenshot.

Always the distribution's browser at /usr/bin/chromium, never a downloaded
build. The flags keep chromium from reaching for the network at start-up
(this machine has none) and let it run as root in a container.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def launch(playwright: Any) -> Any:
    """A headless chromium Browser from a started ``sync_playwright()`` object."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
