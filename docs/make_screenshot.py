"""Regenerate docs/report.png: the top of the seed's report in Debian's chromium.

python docs/make_screenshot.py          # audits seeds/ into a temp folder first
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import provenance
from provenance.export import write_outputs
from provenance.report.chromium import launch

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_outputs(provenance.audit([ROOT / "seeds"]), tmp)
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.goto((Path(tmp) / "report.html").as_uri())
            page.screenshot(path=ROOT / "docs" / "report.png")
            browser.close()
    print(ROOT / "docs" / "report.png")


if __name__ == "__main__":
    main()
