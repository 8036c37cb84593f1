"""Regenerate docs/report.png: the first screen of the seed's report at 1400 px, in Debian's chromium.

python docs/make_screenshot.py          # audits seeds/ into a temporary folder first

Beside the picture it writes docs/report.png.sha256: a digest of the templates,
stylesheet and script the first screen is drawn from (:data:`SHOWN`). The
tests compare it with the digest of the current files, so a change to how the
first screen looks fails until the picture is made again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "provenance" / "report" / "templates"
PICTURE = ROOT / "docs" / "report.png"
DIGEST = ROOT / "docs" / "report.png.sha256"
#: What the first screen (header, figures, findings, the copies table) is drawn from.
SHOWN = (
    "base.html",
    "report.html",
    "report.css",
    "report.js",
    "partials/macros.html",
    "partials/overview.html",
    "partials/lead.html",
    "partials/findings.html",
    "partials/copies.html",
)
WIDTH, HEIGHT = 1400, 900


def templates_digest() -> str:
    """SHA-256 over the shown files' names and bytes, in SHOWN's order."""
    digest = hashlib.sha256()
    for name in SHOWN:
        digest.update(name.encode("utf-8") + b"\0")
        digest.update((TEMPLATES / name).read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def main() -> None:
    from playwright.sync_api import sync_playwright

    import provenance
    from provenance.export import write_outputs
    from provenance.report.chromium import launch

    # Audited as a user types it in a checkout (`provenance audit seeds`): the header names seeds/.
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        write_outputs(provenance.audit(["seeds"]), tmp)
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.goto((Path(tmp) / "report.html").as_uri())
            page.screenshot(path=PICTURE)
            browser.close()
    DIGEST.write_text(f"{templates_digest()}  templates shown in {PICTURE.name}\n", encoding="utf-8")
    print(PICTURE)


if __name__ == "__main__":
    main()
