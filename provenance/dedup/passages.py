"""Post-level reuse: how much of each post lies in passages shared with earlier posts.

Decided on passages, not on paragraph pairs (seed and extend, as passim and
BLAST-for-text do): shared ``partial_shingle_size``-word shingles are seeds,
seeds close together in both posts chain into passages, and a post's share is
the part of its words inside passages shared with earlier posts, each word
credited to the earliest post it is shared with.

Why the constants have their values (``python benchmarks/clough.py --passages``
and ``--sweep`` print the evidence): independent texts on one topic share
names and stock phrases ("the Islamic State in Iraq and Syria", "martyrdom
operations in Iraq and Syria"), which can chain into a passage of 8-12
words. What they do not share is a long verbatim run: of the 38 Clough &
Stevenson answers written without the source, none shares a run of more
than 6 words with it, while 51 of the 57 reused answers share one of 7 or
more; hence :data:`MIN_RUN_WORDS` = 7.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from provenance.config import AuditConfig
from provenance.dedup.candidates import ShingleIndex
from provenance.dedup.flat import Flat, HashArray, IntArray
from provenance.models import Derivation, Post, PostReuse, ReuseSource
from provenance.shingle import shingle_hashes

# Seeds are shared partial_shingle_size-word shingles; a seed at most
# MAX_SEED_GAP words after the previous one in both posts extends the passage;
# a passage needs MIN_SEEDS seeds and MIN_PASSAGE_WORDS words.
MAX_SEED_GAP = 8
MIN_SEEDS = 2
MIN_PASSAGE_WORDS = 8
# The longest verbatim run (in words) a passage must hold; see the module doc.
MIN_RUN_WORDS = 7
# A shingle found more often than this in the other post anchors nothing.
MAX_SEED_REPEATS = 4


def derivation(share: float, config: AuditConfig) -> Derivation:
    if share >= config.wholly:
        return "wholly"
    if share >= config.partially:
        return "partially"
    return "independent"


def post_reuse(
    posts: Sequence[Post],
    flat: Flat,
    active: npt.NDArray[np.bool_],
    index: ShingleIndex,
    order: dict[str, tuple[int, int, int]],
    exact_keys: IntArray,
    config: AuditConfig,
) -> dict[str, PostReuse]:
    n = len(flat.refs)
    k = index.k
    # Post pairs worth a passage comparison: enough indexed shingles in common
    # (stock phrases above the cap do not count toward it), or an exact pair.
    shared_by_posts: dict[tuple[int, int], int] = defaultdict(int)
    if len(index.keys):
        pa = flat.post_of[(index.keys // np.uint64(n)).astype(np.int64)]
        pb = flat.post_of[(index.keys % np.uint64(n)).astype(np.int64)]
        across = pa != pb
        post_keys = pa[across] * len(posts) + pb[across]
        unique, inverse = np.unique(post_keys, return_inverse=True)
        totals = np.bincount(inverse, weights=index.counts[across])
        for key, total in zip(unique.tolist(), totals.tolist(), strict=True):
            shared_by_posts[divmod(key, len(posts))] += int(total)
    for key in exact_keys.tolist():
        pa_, pb_ = int(flat.post_of[key // n]), int(flat.post_of[key % n])
        if pa_ != pb_:
            shared_by_posts[(pa_, pb_)] += MIN_SEEDS
    earlier_of: dict[int, set[int]] = defaultdict(set)
    for (p, q), total in shared_by_posts.items():
        if total < MIN_SEEDS:
            continue
        if order[posts[p].id] < order[posts[q].id]:
            earlier_of[q].add(p)
        else:
            earlier_of[p].add(q)

    paragraphs_of: dict[int, list[int]] = defaultdict(list)
    for g in np.flatnonzero(active):
        paragraphs_of[int(flat.post_of[g])].append(int(g))
    cache: dict[int, _PostShingles] = {}

    def positional(p: int) -> _PostShingles:
        if p not in cache:
            cache[p] = _post_shingles(flat, paragraphs_of[p], k)
        return cache[p]

    reuse: dict[str, PostReuse] = {}
    for p, post in enumerate(posts):
        sources = sorted(earlier_of.get(p, ()), key=lambda q: order[posts[q].id])
        if not sources:
            reuse[post.id] = PostReuse(0.0, "independent", ())
            continue
        mine = positional(p)
        taken = np.zeros(mine.words, dtype=bool)
        taken_by: list[tuple[int, int]] = []
        for q in sources:
            new = _passages(mine, positional(q)) & ~taken
            if new.any():
                taken |= new
                taken_by.append((q, int(new.sum())))
        share = float(taken.sum()) / mine.words
        reuse[post.id] = PostReuse(
            share=share,
            derivation=derivation(share, config),
            sources=tuple(ReuseSource(posts[q].id, words / mine.words) for q, words in taken_by),
        )
    return reuse


@dataclass(slots=True)
class _PostShingles:
    """A post's shingles with the word position each starts at (post-wide word numbers)."""

    hashes: HashArray
    begin: IntArray
    width: IntArray
    words: int


def _post_shingles(flat: Flat, members: list[int], k: int) -> _PostShingles:
    if not members:
        empty = np.zeros(0, dtype=np.int64)
        return _PostShingles(np.zeros(0, dtype=np.uint64), empty, empty, 0)
    lengths = flat.lengths[members]
    word_index = np.concatenate(
        [np.arange(flat.word_start[g], flat.word_start[g] + flat.lengths[g]) for g in members]
    )
    sh, owner = shingle_hashes(flat.hashes[word_index], lengths, k)
    local_start = np.zeros(len(members), dtype=np.int64)
    np.cumsum(lengths[:-1], out=local_start[1:])
    counts = np.bincount(owner, minlength=len(members))
    first = np.zeros(len(members), dtype=np.int64)
    np.cumsum(counts[:-1], out=first[1:])
    begin = local_start[owner] + np.arange(len(sh)) - first[owner]
    return _PostShingles(sh, begin, np.minimum(lengths[owner], k), int(lengths.sum()))


def _passages(mine: _PostShingles, theirs: _PostShingles) -> npt.NDArray[np.bool_]:
    """Words of ``mine`` inside passages it shares with ``theirs`` (seed and extend).

    Seeds are shingles found in both. Seeds chain into one passage when the
    next starts at most ``MAX_SEED_GAP`` words after the previous one in
    *both* posts, so a copy with a word changed every few words stays one
    passage while the same names and stock phrases scattered over two
    independent texts do not. A passage counts when it has at least
    ``MIN_SEEDS`` seeds, covers at least ``MIN_PASSAGE_WORDS`` words, and
    holds one verbatim run (seeds one word apart in both posts) of at least
    ``MIN_RUN_WORDS`` words: stock phrases can chain into a passage, but do
    not give a run that long. It covers every word from its first seed to
    the end of its last.
    """
    covered = np.zeros(mine.words, dtype=bool)
    hit = np.flatnonzero(np.isin(mine.hashes, theirs.hashes))
    if len(hit) < MIN_SEEDS:
        return covered
    order = np.argsort(theirs.hashes, kind="stable")
    sorted_hashes = theirs.hashes[order]
    lo = np.searchsorted(sorted_hashes, mine.hashes[hit], side="left")
    hi = np.searchsorted(sorted_hashes, mine.hashes[hit], side="right")
    seeds: list[tuple[int, int, int]] = []  # (position in mine, position in theirs, width)
    for h, start, stop in zip(hit.tolist(), lo.tolist(), hi.tolist(), strict=True):
        if stop - start > MAX_SEED_REPEATS:  # a phrase they repeat everywhere anchors nothing
            continue
        for j in order[start:stop].tolist():
            seeds.append((int(mine.begin[h]), int(theirs.begin[j]), int(mine.width[h])))
    seeds.sort()
    # Each chain: [first_i, end_i, last_i, last_j, seeds, current run end, run start, longest run]
    open_chains: list[list[int]] = []
    done: list[list[int]] = []
    for i, j, width in seeds:
        still_open: list[list[int]] = []
        for chain in open_chains:
            (still_open if i - chain[2] <= MAX_SEED_GAP else done).append(chain)
        open_chains = still_open
        best: list[int] | None = None
        best_skew = MAX_SEED_GAP + 1
        for chain in open_chains:
            di, dj = i - chain[2], j - chain[3]
            if di > 0 and 0 < dj <= MAX_SEED_GAP and abs(dj - di) < best_skew:
                best, best_skew = chain, abs(dj - di)
        if best is None:
            open_chains.append([i, i + width, i, j, 1, i + width, i, width])
        else:
            if i - best[2] == 1 and j - best[3] == 1:
                best[5] = i + width  # the verbatim run goes on
            else:
                best[5], best[6] = i + width, i
            best[7] = max(best[7], best[5] - best[6])
            best[1] = max(best[1], i + width)
            best[2], best[3] = i, j
            best[4] += 1
    for first, end, _li, _lj, count, _re, _rs, longest in done + open_chains:
        if count >= MIN_SEEDS and end - first >= MIN_PASSAGE_WORDS and longest >= MIN_RUN_WORDS:
            covered[first:end] = True
    return covered
