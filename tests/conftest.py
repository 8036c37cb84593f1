"""Shared fixtures: the repository root, the seed, and the shared data folder beside the project."""

from __future__ import annotations

from pathlib import Path

import pytest

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
