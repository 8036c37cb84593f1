"""What "earlier" means everywhere in the duplicate stage (and in the graph)."""

from __future__ import annotations

from collections.abc import Sequence

from provenance.models import Post


def chronological_key(posts: Sequence[Post]) -> dict[str, tuple[int, int, int]]:
    """Sort key of each post id for "earlier": by date, undated after dated, then input order.

    Graph code uses the same key to decide which of two posts is the source.
    """
    return {
        post.id: (0, post.date.toordinal(), index) if post.date is not None else (1, 0, index)
        for index, post in enumerate(posts)
    }
