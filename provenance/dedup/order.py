"""What "earlier" means everywhere: in the duplicate stage, the graph and the report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from provenance.models import Post

ChronologicalKey = tuple[int, int, int, int]
_UNDATED = (1, 0, 0)
# A post without a date of its own sorts after dated posts citing the same day.
_NO_POST_DATE = dt.date.max.toordinal()


def chronological_key(posts: Sequence[Post]) -> dict[str, ChronologicalKey]:
    """Sort key of each post id for "earlier": when its text first appeared, then input order.

    A post's text dates from its citation's original date when the citation
    has one (an archive re-publishes articles days or years after they ran),
    else from the post's own date; the post date then breaks ties between
    equal citation dates, and undated posts come after every dated one.
    Clusters' earliest witnesses, post reuse and the graph all use this one
    rule, so a text's earliest witness is the same wherever it is shown.
    """
    keys: dict[str, ChronologicalKey] = {}
    for index, post in enumerate(posts):
        cited = post.citation.date if post.citation is not None else None
        first = cited or post.date
        if first is None:
            keys[post.id] = (*_UNDATED, index)
        else:
            posted = post.date.toordinal() if post.date is not None else _NO_POST_DATE
            keys[post.id] = (0, first.toordinal(), posted, index)
    return keys


def chronological_ranks(posts: Sequence[Post], order: dict[str, ChronologicalKey]) -> npt.NDArray[np.int64]:
    """Each post's position when ``posts`` are sorted by ``order``: 0 is the earliest, and no two are equal.

    Post reuse and clusters compare posts by these integers instead of by
    their key tuples, which numpy cannot sort.
    """
    rank = np.empty(len(posts), dtype=np.int64)
    rank[sorted(range(len(posts)), key=lambda p: order[posts[p].id])] = np.arange(len(posts))
    return rank
