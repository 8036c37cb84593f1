"""Duplicate clusters: connected components of the pairs, each with its earliest witness."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from provenance.dedup.flat import sorted_unique
from provenance.dedup.order import EVIDENCE, UNDECIDED, Chronology
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
    chronology: Chronology,
    labels: npt.NDArray[np.int64] | None = None,
) -> list[Cluster]:
    """Connected components of the pairs ``(first[i], second[i])``, in input order of their first member.

    ``labels``, when given, are the components already found elsewhere (the
    Spark engine's label propagation): one label per distinct paragraph of
    the pairs, in ascending paragraph order, equal exactly within a
    component. Everything after finding the components is the same code.

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
    if labels is None:
        graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(len(nodes), len(nodes)))
        count, label = connected_components(graph, directed=False)
    else:
        if len(labels) != len(nodes):
            raise ValueError(f"{len(labels)} labels for {len(nodes)} paragraphs")
        # Any label values: numbered 0..count-1 here, as scipy's are.
        distinct, label = np.unique(np.asarray(labels), return_inverse=True)
        count = len(distinct)
    # Number the components by their first member (scipy happens to number
    # them so, but does not promise it): nodes ascend, so a label's first
    # position is its first member.
    _, first_position = np.unique(label, return_index=True)
    number = np.empty(count, dtype=np.int64)
    number[np.argsort(first_position)] = np.arange(count)
    cluster_of = number[label]
    # Earliest witness: by the post's chronological rank, then paragraph (a
    # post's paragraphs have ascending global numbers).
    post_rank = chronology.rank
    by_cluster = np.argsort(cluster_of, kind="stable")  # members stay ascending
    bounds = np.flatnonzero(np.r_[True, cluster_of[by_cluster][1:] != cluster_of[by_cluster][:-1], True])
    by_time = np.lexsort((nodes, post_rank[post_of[nodes]], cluster_of))
    earliest = nodes[by_time[bounds[:-1]]]
    # Distinct kinds of each cluster, as sorted (cluster, kind code) combinations.
    codes = np.fromiter((_KIND_CODE[kind] for kind in kinds), dtype=np.int64, count=len(kinds))
    combos = sorted_unique(cluster_of[a] * len(_KINDS) + codes)
    combo_bounds = np.searchsorted(combos // len(_KINDS), np.arange(count + 1))
    combo_kinds = [_KINDS[code] for code in (combos % len(_KINDS)).tolist()]
    witness_evidence = _witness_evidence(nodes, cluster_of, earliest, post_of, chronology, count)
    members = [refs[g] for g in nodes[by_cluster].tolist()]
    starts = bounds.tolist()
    kind_starts = combo_bounds.tolist()
    return [
        Cluster(
            id=i,
            members=tuple(members[lo:hi]),
            earliest=refs[witness],
            kinds=tuple(combo_kinds[kind_starts[i] : kind_starts[i + 1]]),
            witness_decided_by=witness_evidence[i],
        )
        for i, ((lo, hi), witness) in enumerate(
            zip(itertools.pairwise(starts), earliest.tolist(), strict=True)
        )
    ]


# Sorts after every evidence code: a cluster with an undecided member post is undecided.
_UNDECIDED_LAST = len(EVIDENCE)


def _witness_evidence(
    nodes: npt.NDArray[np.int64],
    cluster_of: npt.NDArray[np.int64],
    earliest: npt.NDArray[np.int64],
    post_of: npt.NDArray[np.int64],
    chronology: Chronology,
    count: int,
) -> list[str]:
    """For each cluster, the evidence that its earliest witness's post precedes the others' posts.

    The weakest evidence over the other member posts (``undecided`` when one of
    them is a contemporary of the witness's post: the text is shared, and which
    of them had it first is not known); empty for a cluster inside one post.
    """
    witness_post = post_of[earliest[cluster_of]]
    member_post = post_of[nodes]
    other = np.flatnonzero(member_post != witness_post)
    weakest = np.full(count, -1, dtype=np.int64)
    if len(other):
        _, codes = chronology.decide(witness_post[other], member_post[other])
        ranked = np.where(codes == UNDECIDED, _UNDECIDED_LAST, codes).astype(np.int64)
        np.maximum.at(weakest, cluster_of[other], ranked)
    names = [*EVIDENCE, EVIDENCE[UNDECIDED]]  # _UNDECIDED_LAST reads as undecided
    return ["" if code < 0 else names[code] for code in weakest.tolist()]
