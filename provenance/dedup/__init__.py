"""The duplicate stage: which paragraphs repeat each other, and how much of each post is borrowed.

The stage's parts, in the order :func:`find_duplicates` runs them (the why,
with the measurements behind each cut-off, is in ``docs/verdicts.md``):

1. :mod:`.flat` — every paragraph becomes stable 64-bit word hashes
   (:mod:`provenance.shingle`), in worker processes when the dump is large.
2. :mod:`.verify` (``exact_groups``) — identical word sequences: a text in at
   least ``boilerplate_posts`` posts, or ``boilerplate_repeats`` times in one
   post, is *boilerplate* (reported once, never paired); the other groups give
   the ``exact`` pairs, linearly many (a text's later occurrences inside a
   post link to its first there, which alone is compared with other texts).
3. :mod:`.candidates` — candidates from a capped shingle inverted index (on
   ``shingle_size`` and ``partial_shingle_size`` words: ``near``,
   ``contained``, ``partial``) united with datasketch MinHash LSH for the near
   pairs the cap hides; pair keys are counted bucket by bucket
   (:mod:`.buckets`, through temporary files on a large dump).
4. :mod:`.verify` (``classify``) — every candidate verified exactly on the
   full shingle sets (precision 1.0) and given its kind.
5. :mod:`.align` — each pair's word alignment with character offsets.
6. :mod:`.clusters` — connected components, earliest witness first.
7. :mod:`.passages` — post-level reuse from shared passages.

With two or more workers (``config.workers``) on a large dump, step 1 and
step 5 run in worker processes (in an audit, those it forked before reading
the dump: :func:`provenance.workers.reserved_workers`), and step 7, which
needs only step 2, runs in a forked process: alongside steps 3 and 4 on a
dump of moderate size, after them on a larger one
(:data:`REUSE_BESIDE_INDEXES_MAX_PARAGRAPHS`); step 5's workers start once
it has ended (three processes at once were the audit's peak memory). Every
parallel path gives exactly the serial result (``tests/test_dedup_speed.py``).

"Earlier" everywhere is :mod:`.order`'s: by evidence (a declared reference,
the citation's original date, the post date, the time of day, a credit), two
posts of one day with nothing to order them being contemporaries that borrow
nothing from each other; where posts are undated, a guess said as such.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Literal

import numpy as np

from provenance.config import AuditConfig
from provenance.dedup.align import align, align_many
from provenance.dedup.candidates import (
    CandidateRule,
    build_index,
    datasketch_stats,
    index_candidates,
    lsh_candidates,
)
from provenance.dedup.clusters import clusters as make_clusters
from provenance.dedup.flat import Flat, Progress, difference, flatten, union
from provenance.dedup.order import EVIDENCE, UNDECIDED, Chronology, chronological_key
from provenance.dedup.passages import PassageRules, post_reuse
from provenance.dedup.verify import ExactGroups, Verified, classify, exact_groups, ref_key
from provenance.edits import edits_many
from provenance.models import Cluster, DedupResult, Edit, Edits, Pair, PairKind, ParagraphRef, Post, PostReuse
from provenance.workers import ForkedCall, collector_paused, release_free_memory

__all__ = [
    "Chronology",
    "Laps",
    "PassageRules",
    "align",
    "chronological_key",
    "cluster_edits",
    "find_duplicates",
    "make_pairs",
    "with_edits",
]


class Laps:
    """A stopwatch for the steps of a duplicate stage: ``lap(name)`` adds the seconds since the last lap
    to ``stats["seconds_<name>"]``, so a step timed in several laps (the two indexes) adds up."""

    def __init__(self, stats: dict[str, Any]) -> None:
        self.stats = stats
        self.clock = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        key = f"seconds_{name}"
        self.stats[key] = round(self.stats.get(key, 0.0) + now - self.clock, 4)
        self.clock = now


def find_duplicates(
    posts: Sequence[Post],
    config: AuditConfig,
    progress: Progress | None = None,
    chronology: Chronology | None = None,
) -> DedupResult:
    """Find every repeated paragraph pair, their clusters, boilerplate and each post's borrowed share.

    Pairs are sorted by ``a`` then ``b`` in input order (post position in
    ``posts``, then paragraph index). ``reuse`` has an entry for every post.
    ``stats`` holds counts, seconds per step, and what made the MinHash
    signatures (``datasketch`` version, ``minhash_scheme``, LSH bands/rows).
    ``chronology`` is the evidence of order (:mod:`.order`); without one, the
    posts' own dates and references alone (no credits).
    """
    # No full garbage collection meanwhile: at a million paragraphs one walked
    # every post object (2.5 s) and later ones the pairs while the clusters
    # were made, and none found garbage (see workers.collector_paused).
    with collector_paused():
        return _find_duplicates(posts, config, progress, chronology or Chronology.of(posts))


def _find_duplicates(
    posts: Sequence[Post],
    config: AuditConfig,
    progress: Progress | None,
    chronology: Chronology,
) -> DedupResult:
    # Values are numbers except the datasketch version and scheme strings,
    # which export reads back (DedupResult.stats is typed loosely for them).
    stats: dict[str, Any] = {}
    lap = Laps(stats)

    order = chronological_key(posts)
    flat = flatten(posts, config, progress)
    n = len(flat.refs)
    stats["paragraphs"] = n
    stats["words"] = int(flat.lengths.sum())
    stats["workers"] = flat.workers
    lap("hashing")

    groups = exact_groups(
        flat, posts, order, config.boilerplate_posts, config.boilerplate_repeats, config.min_pair_words
    )
    stats["boilerplate"] = len(groups.boilerplate)
    lap("exact")
    # Post-level reuse needs nothing from the pair steps: with a second core it
    # runs in a forked process, alongside the indexes and verification on a
    # dump of moderate size, after them on a larger one.
    fork = config.workers > 1 and n >= PARALLEL_REUSE_MIN_PARAGRAPHS
    started: list[ForkedCall[tuple[dict[str, PostReuse], float]]] = []

    def start_reuse() -> ForkedCall[tuple[dict[str, PostReuse], float]]:
        started.append(
            ForkedCall("post-reuse", _timed_reuse, (posts, flat, groups.active, chronology, config), fork)
        )
        return started[-1]

    beside = start_reuse() if fork and n < REUSE_BESIDE_INDEXES_MAX_PARAGRAPHS else None
    try:
        pairs, clusters, reuse_job = _pairs_and_clusters(
            posts, flat, groups, chronology, beside, start_reuse, config, stats, lap, progress
        )
        if progress:
            # The reuse process may still be running: say what is awaited.
            progress("dedup: post reuse", 0, 1)
        reuse, stats["reuse_process_seconds"] = reuse_job()
        if progress:
            progress("dedup: post reuse", 1, 1)
    finally:
        for job in started:
            job.close()
    lap("reuse")
    stats["seconds_total"] = round(sum(v for k, v in stats.items() if k.startswith("seconds_")), 4)
    return DedupResult(
        pairs=pairs, clusters=clusters, reuse=reuse, boilerplate=groups.boilerplate, stats=stats
    )


def _pairs_and_clusters(
    posts: Sequence[Post],
    flat: Flat,
    groups: ExactGroups,
    chronology: Chronology,
    beside: ForkedCall[tuple[dict[str, PostReuse], float]] | None,
    start_reuse: Callable[[], ForkedCall[tuple[dict[str, PostReuse], float]]],
    config: AuditConfig,
    stats: dict[str, Any],
    lap: Callable[[str], None],
    progress: Progress | None,
) -> tuple[list[Pair], list[Cluster], ForkedCall[tuple[dict[str, PostReuse], float]]]:
    """Steps 3-6 (module doc): candidates, verification, alignment and clusters; and the reuse step's job.

    The reuse step runs ``beside`` the indexes and verification when it was
    started before them; otherwise it is started once they are freed.
    """
    n = len(flat.refs)
    if progress:
        progress("dedup: indexing shingles", 0, 2)
    near_rule = CandidateRule(config, partial=False)
    # Exact counts of the near/contained index are needed for every candidate
    # (each pair states its Jaccard and containment); the partial index's only
    # decide ``partial``, so it keeps just the pairs that can be partial.
    # A text's later occurrences inside one post are linked to its first by
    # exact pairs; only the first is compared with other texts.
    searched = groups.active & ~groups.repeats
    cap = config.stock_phrase_paragraphs
    index_k = build_index(flat, searched, config.shingle_size, workers=config.workers, cap=cap)
    from_index = index_candidates(index_k, flat, near_rule)
    lap("index")
    lsh = lsh_candidates(index_k, flat, config)
    stats.update(datasketch_stats(lsh, config))
    lap("lsh")
    if progress:
        progress("dedup: indexing shingles", 1, 2)
    partial_rule = CandidateRule(config, partial=True)
    index_p = build_index(
        flat, searched, config.partial_shingle_size, partial_rule, workers=config.workers, cap=cap
    )
    from_index = union(from_index, index_candidates(index_p, flat, partial_rule))
    if progress:
        progress("dedup: indexing shingles", 2, 2)
    lap("index")

    candidate_keys = difference(union(from_index, lsh.keys), groups.pairs)
    stats["candidates"] = len(candidate_keys) + len(groups.pairs)
    stats["candidates_lsh_only"] = len(difference(lsh.keys, union(from_index, groups.pairs)))
    if progress:
        progress("dedup: verifying", 0, 1)
    verified = classify(candidate_keys, flat, index_k, index_p, config, config.workers)
    if progress:
        progress("dedup: verifying", 1, 1)
    # The shingle indexes are not needed any more: free them before alignment
    # builds its own objects (peak memory at 1M paragraphs).
    del index_k, index_p, lsh
    release_free_memory()  # the indexes' pages, before the reuse process or alignment workers are forked
    reuse_job = beside or start_reuse()
    if reuse_job.forked:
        # Nothing here needs the word hashes any more (alignment reads the
        # texts), and the reuse process keeps its own view of them: half a
        # gigabyte at 1M paragraphs that the alignment workers would share.
        flat.hashes = np.zeros(0, dtype=np.uint64)
        release_free_memory()
    stats["verified"] = len(candidate_keys)
    stats["pairs"] = len(groups.pairs) + len(verified.kind)
    lap("verify")

    if reuse_job.forked:
        # The reuse process ends before the alignment workers start: at a
        # million paragraphs the three together were the stage's peak memory,
        # at the cost of some seconds (benchmarks/README.md, bench_audit.py).
        # Its result is kept; the later call returns it.
        if progress:
            progress("dedup: post reuse", 0, 1)
        reuse_job()
        if progress:
            progress("dedup: post reuse", 1, 1)
    aligned = (lambda done, total: progress("dedup: aligning pairs", done, total)) if progress else None
    pairs = make_pairs(groups.pairs, verified, flat, posts, config.workers, aligned)
    lap("align")
    read = (lambda done, total: progress("dedup: reading edits", done, total)) if progress else None
    pairs = with_edits(pairs, flat, chronology, config.workers, read)
    lap("edits")
    kinds: list[PairKind] = ["exact"] * len(groups.pairs)
    clusters = make_clusters(
        np.concatenate([groups.pairs // n, verified.a]),
        np.concatenate([groups.pairs % n, verified.b]),
        kinds + verified.kind,
        flat.refs,
        flat.post_of,
        posts,
        chronology,
    )
    clusters = cluster_edits(clusters, pairs, flat, config.workers)
    lap("clusters")
    return pairs, clusters, reuse_job


# Below this many paragraphs, forking the reuse process costs more than it saves.
PARALLEL_REUSE_MIN_PARAGRAPHS = 20_000
# From this many paragraphs the reuse process waits for verification to end
# instead of running beside the indexes: at 2.4 million paragraphs its own
# 0.6 GB came on top of the indexes' and verification's peaks (6.2-6.4 GB,
# scratch traces of each process's private and shared memory); below it the
# overlap saves time at a peak the machine has to spare.
REUSE_BESIDE_INDEXES_MAX_PARAGRAPHS = 500_000


def _timed_reuse(
    posts: Sequence[Post],
    flat: Flat,
    active: np.ndarray,
    chronology: Chronology,
    config: AuditConfig,
) -> tuple[dict[str, PostReuse], float]:
    started = time.perf_counter()
    reuse = post_reuse(posts, flat, active, chronology, config)
    return reuse, round(time.perf_counter() - started, 4)


def make_pairs(
    exact_keys: np.ndarray,
    verified: Verified,
    flat: Flat,
    posts: Sequence[Post],
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[Pair]:
    """The pairs, aligned: exact ones (keys ``a * n + b``) and verified ones, in one list.

    Shared by both engines (:mod:`provenance.engines.spark` finds the pairs as
    Spark jobs and aligns them here), as are :func:`with_edits` and
    :func:`cluster_edits`.
    """
    n = len(flat.refs)
    found: list[tuple[int, int, PairKind, float, float, float]] = [
        (key // n, key % n, "exact", 1.0, 1.0, 1.0) for key in exact_keys.tolist()
    ]
    found += zip(
        verified.a.tolist(),
        verified.b.tolist(),
        verified.kind,
        verified.jaccard.tolist(),
        verified.containment.tolist(),
        verified.partial_containment.tolist(),
        strict=True,
    )
    sides: list[tuple[int, int]] = []
    for ga, gb, kind, *_ in found:
        # Global paragraph numbers follow input order.
        first, second = (ga, gb) if ga < gb else (gb, ga)
        if kind in ("contained", "partial") and flat.lengths[second] < flat.lengths[first]:
            first, second = second, first
        sides.append((first, second))
    alignments = align_many([(flat.texts[f], flat.texts[s]) for f, s in sides], workers, progress)
    pairs = [
        Pair(
            a=flat.refs[first],
            b=flat.refs[second],
            kind=kind,
            jaccard=jaccard,
            containment=containment,
            alignment=alignment,
            partial_containment=partial_containment if kind == "partial" else None,
        )
        for (first, second), (_, _, kind, jaccard, containment, partial_containment), alignment in zip(
            sides, found, alignments, strict=True
        )
    ]
    key = ref_key(posts)
    pairs.sort(key=lambda p: (key(p.a), key(p.b)))
    return pairs


Side = Literal["a", "b"] | None

#: What a pair inside one post takes its source side from (``Pair.decided_by``).
LONGER_PARAGRAPH = "longer_paragraph"


def _source_sides(pairs: Sequence[Pair], flat: Flat, chronology: Chronology) -> list[tuple[Side, str]]:
    """Which side of each pair is the source its edits are read from, and what decided it.

    Across posts, the earlier post by evidence (None for contemporaries),
    with the chronology's evidence named (``EVIDENCE``: a date, a known
    source, or a guess such as ``input_order``); inside one post, the longer
    paragraph: an excerpt or a lede is cut from the body, not the reverse.
    """
    if not pairs:
        return []
    number = {ref: g for g, ref in enumerate(flat.refs)}
    ga = np.array([number[p.a] for p in pairs], dtype=np.int64)
    gb = np.array([number[p.b] for p in pairs], dtype=np.int64)
    a_first, evidence = chronology.decide(flat.post_of[ga], flat.post_of[gb])
    inside = flat.post_of[ga] == flat.post_of[gb]
    a_longer = flat.lengths[ga] >= flat.lengths[gb]
    sides: list[tuple[Side, str]] = []
    for i in range(len(pairs)):
        if inside[i]:
            sides.append(("a" if a_longer[i] else "b", LONGER_PARAGRAPH))
        elif evidence[i] == UNDECIDED:
            sides.append((None, EVIDENCE[UNDECIDED]))
        else:
            sides.append(("a" if a_first[i] else "b", EVIDENCE[evidence[i]]))
    return sides


def with_edits(
    pairs: list[Pair],
    flat: Flat,
    chronology: Chronology,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[Pair]:
    """Each pair with its source side and what the copy changed (:mod:`provenance.edits`).

    A pair whose source is unknown (contemporaries) is read from ``a`` to
    ``b``. Edits keep the pair's own sides: a and b are swapped back when the
    source is ``b``.
    """
    sides = _source_sides(pairs, flat, chronology)
    number = {ref: g for g, ref in enumerate(flat.refs)}
    jobs = []
    for pair, (side, _) in zip(pairs, sides, strict=True):
        a, b = flat.texts[number[pair.a]], flat.texts[number[pair.b]]
        jobs.append((b, a) if side == "b" else (a, b))
    found = edits_many(jobs, workers, progress)
    result = []
    for pair, (side, decided_by), changes in zip(pairs, sides, found, strict=True):
        edits = _swapped(changes) if side == "b" else changes
        result.append(replace(pair, source=side, decided_by=decided_by, edits=edits))
    return result


def _swapped(edits: Sequence[Edit]) -> Sequence[Edit]:
    """Edits read the other way (each side's span and text exchanged)."""
    if isinstance(edits, Edits):
        return edits.swapped()
    return tuple(Edit(e.kind, e.b_start, e.b_end, e.a_start, e.a_end, e.b_text, e.a_text) for e in edits)


def cluster_edits(clusters: list[Cluster], pairs: Sequence[Pair], flat: Flat, workers: int) -> list[Cluster]:
    """Each cluster with what every member whose text differs from the earliest witness changed.

    The witness is the source. A member already paired with the witness in
    that direction reuses the pair's edits; the rest are read here.
    """
    number = {ref: g for g, ref in enumerate(flat.refs)}
    known: dict[tuple[ParagraphRef, ParagraphRef], Sequence[Edit]] = {}
    for pair in pairs:
        if pair.source == "a":
            known[(pair.a, pair.b)] = pair.edits
        elif pair.source == "b":
            known[(pair.b, pair.a)] = _swapped(pair.edits)
    wanted: list[tuple[int, ParagraphRef]] = []
    jobs: list[tuple[str, str]] = []
    for index, cluster in enumerate(clusters):
        witness = flat.texts[number[cluster.earliest]]
        for member in cluster.members:
            text = flat.texts[number[member]]
            if member == cluster.earliest or text == witness or (cluster.earliest, member) in known:
                continue
            wanted.append((index, member))
            jobs.append((witness, text))
    read = dict(zip(wanted, edits_many(jobs, workers), strict=True))
    result = []
    for index, cluster in enumerate(clusters):
        changes = []
        for member in cluster.members:
            found = read.get((index, member)) or known.get((cluster.earliest, member))
            if found:
                changes.append((member, found))
        result.append(replace(cluster, edits=tuple(changes)) if changes else cluster)
    return result
