"""Shared fixtures: the repository root, the seed, the shared data folder beside the project, a browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from provenance.report.chromium import CHROMIUM, launch

# No property test is a timing test (speed is measured in benchmarks/): hypothesis's default
# deadline of 200 ms per example failed CI once, on an example that took 280 ms while the machine
# was busy and 4 ms when hypothesis ran it again. Tests that set their own settings keep this.
settings.register_profile("provenance", deadline=None)
settings.load_profile("provenance")

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "islamic-state-whats-next.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def repo_root() -> Path:
    return ROOT


@pytest.fixture
def shared() -> Path:
    """The ../shared folder of corpora; tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, one per test module; the browser tests skip without it."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (CI installs Debian's chromium with apt-get)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()
