"""Input paths as the store compares them: made absolute from the folder a run was started in."""

from __future__ import annotations

import os

__all__ = ["absolute"]


def absolute(cwd: str, path: str) -> str:
    """``path`` as given to a run started in ``cwd``, made absolute (the same file however it was named)."""
    return os.path.normpath(os.path.join(cwd, path))
