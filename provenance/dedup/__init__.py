"""The duplicate stage: which paragraphs repeat each other, and how much of each post is borrowed.

The stage's parts, in the order :func:`find_duplicates` runs them (see
``/work/shared/REUSE.md`` for the why):

1. :mod:`.flat` — every paragraph becomes stable 64-bit word hashes
   (:mod:`provenance.shingle`), in worker processes when the dump is large.
2. :mod:`.verify` (``exact_groups``) — identical word sequences: a text in at
   least ``boilerplate_posts`` posts is *boilerplate* (reported once, never
   paired); the other groups give the ``exact`` pairs.
3. :mod:`.candidates` — candidates from a capped shingle inverted index (on
   ``shingle_size`` and ``partial_shingle_size`` words: ``near``,
   ``contained``, ``partial``) united with datasketch MinHash LSH for the near
   pairs the cap hides.
4. :mod:`.verify` (``classify``) — every candidate verified exactly on the
   full shingle sets (precision 1.0) and given its kind.
5. :mod:`.align` — each pair's word alignment with character offsets.
6. :mod:`.clusters` — connected components, earliest witness first.
7. :mod:`.passages` — post-level reuse from shared passages.

"Earlier" everywhere means :func:`chronological_key`: dated posts by date,
undated posts after every dated one, ties by input order.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from provenance.config import AuditConfig
from provenance.dedup.align import align
from provenance.dedup.candidates import (
    DF_CAP,
    MIN_PARTIAL_SHARED,
    build_index,
    datasketch_stats,
    index_candidates,
    lsh_candidates,
)
from provenance.dedup.clusters import clusters as make_clusters
from provenance.dedup.flat import Flat, Progress, flatten
from provenance.dedup.order import chronological_key
from provenance.dedup.passages import CHAIN_GAP, FILL_GAP, MIN_SEEDS, post_reuse
from provenance.dedup.verify import Verified, classify, exact_groups, ref_key
from provenance.models import DedupResult, Pair, PairKind, Post

__all__ = [
    "CHAIN_GAP",
    "DF_CAP",
    "FILL_GAP",
    "MIN_PARTIAL_SHARED",
    "MIN_SEEDS",
    "align",
    "chronological_key",
    "find_duplicates",
]


def find_duplicates(
    posts: Sequence[Post],
    config: AuditConfig,
    progress: Progress | None = None,
) -> DedupResult:
    """Find every repeated paragraph pair, their clusters, boilerplate and each post's borrowed share.

    Pairs are sorted by ``a`` then ``b`` in input order (post position in
    ``posts``, then paragraph index). ``reuse`` has an entry for every post.
    ``stats`` holds counts, seconds per step, and what made the MinHash
    signatures (``datasketch`` version, ``minhash_scheme``, LSH bands/rows).
    """
    # Values are numbers except the datasketch version and scheme strings,
    # which export reads back (DedupResult.stats is typed loosely for them).
    stats: dict[str, Any] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stats[f"seconds_{name}"] = round(now - clock, 4)
        clock = now

    order = chronological_key(posts)
    flat = flatten(posts, config, progress)
    n = len(flat.refs)
    stats["paragraphs"] = n
    stats["words"] = int(flat.lengths.sum())
    stats["workers"] = flat.workers
    lap("hashing")

    groups = exact_groups(flat, posts, order, config.boilerplate_posts)
    stats["boilerplate"] = len(groups.boilerplate)
    lap("exact")

    if progress:
        progress("dedup: indexing shingles", 0, 2)
    index_k = build_index(flat, groups.active, config.shingle_size)
    if progress:
        progress("dedup: indexing shingles", 1, 2)
    index_p = build_index(flat, groups.active, config.partial_shingle_size)
    if progress:
        progress("dedup: indexing shingles", 2, 2)
    lap("index")

    lsh = lsh_candidates(index_k, config)
    stats.update(datasketch_stats(lsh, config))
    lap("lsh")

    from_index = np.union1d(
        index_candidates(index_k, flat, config, partial=False),
        index_candidates(index_p, flat, config, partial=True),
    )
    candidate_keys = np.setdiff1d(np.union1d(from_index, lsh.keys), groups.pairs)
    stats["candidates"] = len(candidate_keys) + len(groups.pairs)
    stats["candidates_lsh_only"] = len(np.setdiff1d(lsh.keys, np.union1d(from_index, groups.pairs)))
    verified = classify(candidate_keys, flat, index_k, index_p, config)
    # The shingle indexes are not needed any more: free them before alignment
    # and the passage finder build their own arrays (peak memory at 1M paragraphs).
    del index_k, index_p, lsh
    stats["verified"] = len(candidate_keys)
    stats["pairs"] = len(groups.pairs) + len(verified.kind)
    lap("verify")

    pairs = _make_pairs(groups.pairs, verified, flat, posts)
    lap("align")
    clusters = make_clusters(pairs, posts)
    lap("clusters")
    reuse = post_reuse(posts, flat, groups.active, order, config)
    lap("reuse")
    stats["seconds_total"] = round(sum(v for k, v in stats.items() if k.startswith("seconds_")), 4)
    return DedupResult(
        pairs=pairs, clusters=clusters, reuse=reuse, boilerplate=groups.boilerplate, stats=stats
    )


def _make_pairs(exact_keys: np.ndarray, verified: Verified, flat: Flat, posts: Sequence[Post]) -> list[Pair]:
    n = len(flat.refs)
    found: list[tuple[int, int, PairKind, float, float]] = [
        (key // n, key % n, "exact", 1.0, 1.0) for key in exact_keys.tolist()
    ]
    found += zip(
        verified.a.tolist(),
        verified.b.tolist(),
        verified.kind,
        verified.jaccard.tolist(),
        verified.containment.tolist(),
        strict=True,
    )
    pairs: list[Pair] = []
    for ga, gb, kind, jaccard, containment in found:
        # Global paragraph numbers follow input order.
        first, second = (ga, gb) if ga < gb else (gb, ga)
        if kind in ("contained", "partial") and flat.lengths[second] < flat.lengths[first]:
            first, second = second, first
        pairs.append(
            Pair(
                a=flat.refs[first],
                b=flat.refs[second],
                kind=kind,
                jaccard=jaccard,
                containment=containment,
                alignment=align(flat.texts[first], flat.texts[second]),
            )
        )
    key = ref_key(posts)
    pairs.sort(key=lambda p: (key(p.a), key(p.b)))
    return pairs
