"""Worker processes: what every stage that forks them shares."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Fork worker processes inside this block: they then share the parent's objects instead of copying them.

    A forked process shares the parent's memory until it writes to a page,
    and the garbage collector writes to every object it visits (its
    ``gc`` header): the first full collection in a worker copied the pages
    of every post and paragraph object of the parent, some 0.7 GB per worker
    at a million paragraphs. ``gc.freeze`` moves the objects that exist now
    out of the collector's reach, in the workers forked meanwhile too; they
    are handed back to it when the block ends.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
