"""Duplicate clusters: connected components of the pairs, each with its earliest witness."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from provenance.dedup.flat import sorted_unique
from provenance.dedup.order import ChronologicalKey, chronological_ranks
from provenance.models import Cluster, PairKind, ParagraphRef, Post

# Kinds by code in name order, so sorting codes sorts names.
_KINDS: tuple[PairKind, ...] = ("contained", "exact", "near", "partial")
_KIND_CODE = {kind: code for code, kind in enumerate(_KINDS)}


def clusters(
    first: npt.NDArray[np.int64],
    second: npt.NDArray[np.int64],
    kinds: Sequence[PairKind],
    refs: Sequence[ParagraphRef],
    post_of: npt.NDArray[np.int64],
    posts: Sequence[Post],
    order: dict[str, ChronologicalKey],
) -> list[Cluster]:
    """Connected components of the pairs ``(first[i], second[i])``, in input order of their first member.

    Paragraphs are global numbers in input order (``refs[g]`` is paragraph
    ``g``, of post ``posts[post_of[g]]``), so members, components and
    earliest witnesses are all ordered by integer sorts; Python objects are
    made only for the clusters returned (at a million paragraphs, the same
    work on :class:`~provenance.models.Pair` objects hashed 640,000
    paragraph references into dicts and sets, 3.3 s).
    """
    if not len(first):
        return []
    nodes = sorted_unique(np.concatenate([first, second]))  # ascending: input order
    a = np.searchsorted(nodes, first)
    b = np.searchsorted(nodes, second)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(len(nodes), len(nodes)))
    count, label = connected_components(graph, directed=False)
    # Number the components by their first member (scipy happens to number
    # them so, but does not promise it): nodes ascend, so a label's first
    # position is its first member.
    _, first_position = np.unique(label, return_index=True)
    number = np.empty(count, dtype=np.int64)
    number[np.argsort(first_position)] = np.arange(count)
    cluster_of = number[label]
    # Earliest witness: by the post's chronological rank, then paragraph (a
    # post's paragraphs have ascending global numbers).
    post_rank = chronological_ranks(posts, order)
    by_cluster = np.argsort(cluster_of, kind="stable")  # members stay ascending
    bounds = np.flatnonzero(np.r_[True, cluster_of[by_cluster][1:] != cluster_of[by_cluster][:-1], True])
    by_time = np.lexsort((nodes, post_rank[post_of[nodes]], cluster_of))
    earliest = nodes[by_time[bounds[:-1]]]
    # Distinct kinds of each cluster, as sorted (cluster, kind code) combinations.
    codes = np.fromiter((_KIND_CODE[kind] for kind in kinds), dtype=np.int64, count=len(kinds))
    combos = sorted_unique(cluster_of[a] * len(_KINDS) + codes)
    combo_bounds = np.searchsorted(combos // len(_KINDS), np.arange(count + 1))
    combo_kinds = [_KINDS[code] for code in (combos % len(_KINDS)).tolist()]
    members = [refs[g] for g in nodes[by_cluster].tolist()]
    starts = bounds.tolist()
    kind_starts = combo_bounds.tolist()
    return [
        Cluster(
            id=i,
            members=tuple(members[lo:hi]),
            earliest=refs[witness],
            kinds=tuple(combo_kinds[kind_starts[i] : kind_starts[i + 1]]),
        )
        for i, ((lo, hi), witness) in enumerate(
            zip(itertools.pairwise(starts), earliest.tolist(), strict=True)
        )
    ]
