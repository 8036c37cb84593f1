"""Input paths as the store compares them: made absolute from the folder a run was started in."""

from __future__ import annotations

import os

from provenance.export import SURROGATES_REPLACED

__all__ = ["absolute", "clean"]


def clean(text: str) -> str:
    """``text`` as audit.json writes it: each lone surrogate replaced by U+FFFD, the rest unchanged.

    A name that is not UTF-8 (a file or a working folder named caf\\xe9 by another system) reaches
    Python with a lone surrogate for each such byte, which SQLite, like UTF-8, cannot hold.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", SURROGATES_REPLACED).decode("utf-8")
    return text


def absolute(cwd: str, path: str) -> str:
    """``path`` as given to a run started in ``cwd``, made absolute (the same file however it was named).

    As the store holds it (:func:`clean`): a run's folder is kept so, and a
    path made from the kept folder is compared with one made from the folder
    the next run starts in.
    """
    return clean(os.path.normpath(os.path.join(cwd, path)))
