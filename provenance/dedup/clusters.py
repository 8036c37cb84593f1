"""Duplicate clusters: connected components of the pairs, each with its earliest witness."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from provenance.dedup.order import chronological_key
from provenance.dedup.verify import ref_key
from provenance.models import Cluster, Pair, ParagraphRef, Post


def clusters(pairs: list[Pair], posts: Sequence[Post]) -> list[Cluster]:
    """Connected components of the pairs, in input order of their first member.

    Members are numbered in input order first, so that the components come out
    of scipy as integer labels and every ordering below is an integer sort.
    """
    if not pairs:
        return []
    key = ref_key(posts)
    when = chronological_key(posts)
    refs: list[ParagraphRef] = sorted({p.a for p in pairs} | {p.b for p in pairs}, key=key)
    number = {ref: i for i, ref in enumerate(refs)}
    a = np.fromiter((number[p.a] for p in pairs), dtype=np.int64, count=len(pairs))
    b = np.fromiter((number[p.b] for p in pairs), dtype=np.int64, count=len(pairs))
    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (a, b)), shape=(len(refs), len(refs)))
    _, label = connected_components(graph, directed=False)
    # Members of each component in input order; components by their first member.
    by_label = np.argsort(label, kind="stable")
    bounds = np.flatnonzero(np.r_[True, label[by_label][1:] != label[by_label][:-1], True]).tolist()
    groups = [by_label[lo:hi] for lo, hi in itertools.pairwise(bounds)]
    groups.sort(key=lambda members: int(members[0]))
    kinds: dict[int, set[str]] = {}
    for pair_label, kind in zip(label[a].tolist(), (p.kind for p in pairs), strict=True):
        kinds.setdefault(pair_label, set()).add(kind)
    result: list[Cluster] = []
    for i, members in enumerate(groups):
        member_refs = tuple(refs[m] for m in members.tolist())
        result.append(
            Cluster(
                id=i,
                members=member_refs,
                earliest=min(member_refs, key=lambda r: (when[r.post], r.paragraph)),
                kinds=tuple(sorted(kinds[int(label[members[0]])])),
            )
        )
    return result
