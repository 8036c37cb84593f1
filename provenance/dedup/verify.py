"""Exact verification: identical paragraphs, boilerplate, exact shared-shingle counts, and pair kinds.

Nothing a candidate generator proposes is reported on its word: every pair's
Jaccard and containment are computed exactly on the full shingle sets, so
precision is 1.0 by construction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from provenance.config import AuditConfig
from provenance.dedup.candidates import ShingleIndex
from provenance.dedup.flat import Flat, IntArray, segments, sorted_unique
from provenance.dedup.order import ChronologicalKey
from provenance.models import Boilerplate, PairKind, ParagraphRef, Post
from provenance.workers import ForkedCall

# Shingles per block in exact intersection: bounds the sort's temporaries, made in two processes at
# once while the reuse process runs. At 1M paragraphs the stage's process tree peaked in this step at
# 2,920 MB with 1 << 22 and 2,848 MB with 1 << 20 (one PSS timeline of each, a scratch script).
_INTERSECT_BLOCK = 1 << 20
# Pairs to intersect from which a forked process takes half: the 3-word
# index leaves 1.7 million at a million paragraphs (1.7 s), 21,000 at 100,000.
PARALLEL_INTERSECT_PAIRS = 1 << 18
# Candidate pairs classified per block (bounds classify's temporaries; never changes the result).
_CLASSIFY_BLOCK = 1 << 21
# Words per block when summarising paragraphs for exact groups (bounds the temporaries).
_SEQUENCE_BLOCK_WORDS = 1 << 22
_EPS = 1e-9


def ref_key(posts: Sequence[Post]) -> Callable[[ParagraphRef], tuple[int, int]]:
    """Sort key of a paragraph in input order (post position, then paragraph index)."""
    position = {post.id: index for index, post in enumerate(posts)}
    return lambda ref: (position[ref.post], ref.paragraph)


def sequence_keys(flat: Flat) -> npt.NDArray[np.uint64]:
    """A 64-bit summary of each paragraph's word sequence: equal sequences give equal keys.

    ``sum(hash[i] * (2i + 1))`` over the paragraph's words, modulo 2**64: odd
    weights keep each word's contribution, and the position in the weight
    keeps the order. Different sequences may share a key, so a key only
    proposes groups (:func:`exact_groups` compares the words themselves);
    it is computed for all paragraphs at once instead of hashing each one
    in Python.
    """
    n = len(flat.lengths)
    keys = np.zeros(n, dtype=np.uint64)
    nonempty = np.flatnonzero(flat.lengths > 0)
    word_end = flat.word_start[nonempty] + flat.lengths[nonempty]
    first = 0
    while first < len(nonempty):
        base = int(flat.word_start[nonempty[first]])
        last = max(first + 1, int(np.searchsorted(word_end, base + _SEQUENCE_BLOCK_WORDS, side="right")))
        members = nonempty[first:last]
        starts = flat.word_start[members]
        stop = int(word_end[last - 1])
        # Each word's index inside its paragraph (the block's paragraphs are
        # consecutive among the non-empty ones, so empty ones in between add no words).
        index = np.arange(base, stop, dtype=np.int64) - np.repeat(starts, flat.lengths[members])
        weights = (index.astype(np.uint64) << np.uint64(1)) | np.uint64(1)
        del index
        weighted = flat.hashes[base:stop] * weights
        del weights
        keys[members] = np.add.reduceat(weighted, starts - base)
        first = last
    return keys


@dataclass(slots=True)
class ExactGroups:
    active: npt.NDArray[np.bool_]  # paragraphs with words that are not boilerplate
    boilerplate: list[Boilerplate]
    pairs: IntArray  # a * n + b (a < b) of identical non-boilerplate paragraphs, sorted
    # Later occurrences of a text inside one post (its first occurrence there
    # stands for them): left out of the candidate search, linked by ``pairs``.
    repeats: npt.NDArray[np.bool_]


def exact_groups(
    flat: Flat,
    posts: Sequence[Post],
    order: dict[str, ChronologicalKey],
    boilerplate_posts: int,
    boilerplate_repeats: int = 20,
    min_pair_words: int = 1,
) -> ExactGroups:
    """Identical word sequences: boilerplate, or a few pairs that link every copy.

    A text is boilerplate when it stands in ``boilerplate_posts`` posts or
    more, or ``boilerplate_repeats`` times or more inside one post (a share
    line after every paragraph): reported once, never paired. Any other text
    repeated ``k`` times is linked by ``k - 1`` pairs inside each post (every
    later occurrence to the first one there) plus one pair for each two posts
    holding it (between their first occurrences), never ``k(k-1)/2``: one
    post repeating a line a thousand times made half a million pairs and
    gigabytes. The clusters are the same either way (they are connected
    components), and each post's first occurrence is the one compared with
    other texts. A text of fewer than ``min_pair_words`` words ("Cheers",
    "Hello all,") makes no pair across posts.
    """
    n = len(flat.lengths)
    # Paragraphs whose (key, length) is shared are grouped by their words
    # themselves: exact, whatever the keys' collisions.
    nonempty = np.flatnonzero(flat.lengths > 0)
    summary = sequence_keys(flat)[nonempty]
    lengths = flat.lengths[nonempty]
    by_key = np.lexsort((lengths, summary))
    summary, lengths = summary[by_key], lengths[by_key]
    same = (summary[1:] == summary[:-1]) & (lengths[1:] == lengths[:-1])
    shared = np.zeros(len(by_key), dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    groups: dict[bytes, list[int]] = defaultdict(list)
    # In paragraph order, so groups come in order of their first member.
    for g in np.sort(nonempty[by_key[shared]]).tolist():
        start = int(flat.word_start[g])
        groups[flat.hashes[start : start + int(flat.lengths[g])].tobytes()].append(g)
    active = flat.lengths > 0
    repeats = np.zeros(n, dtype=bool)
    boilerplate: list[Boilerplate] = []
    keys: list[int] = []
    by_input = ref_key(posts)
    for members in groups.values():
        if len(members) < 2:
            continue
        links = group_links(
            members,
            flat.post_of[members].tolist(),
            int(flat.lengths[members[0]]),
            boilerplate_posts,
            boilerplate_repeats,
            min_pair_words,
        )
        if links.boilerplate:
            active[members] = False
            boilerplate.append(boilerplate_record(members, links.posts, flat, order, by_input))
            continue
        keys.extend(a * n + b for a, b in links.pairs)
        repeats[links.repeats] = True
    sort_boilerplate(boilerplate)
    return ExactGroups(active, boilerplate, sorted_unique(np.array(keys, dtype=np.int64)), repeats)


@dataclass(slots=True)
class GroupLinks:
    """What one group of identical paragraphs gives: boilerplate, or the pairs linking its copies."""

    boilerplate: bool
    posts: int  # distinct posts holding the text
    pairs: list[tuple[int, int]]  # (a, b), a < b
    repeats: list[int]  # later occurrences inside a post (linked to the post's first)


def group_links(
    members: Sequence[int],
    member_posts: Sequence[int],
    words: int,
    boilerplate_posts: int,
    boilerplate_repeats: int,
    min_pair_words: int,
) -> GroupLinks:
    """The rule of :func:`exact_groups` for one group of identical paragraphs (ascending ``members``).

    A function of the group alone, so that the Spark engine
    (:mod:`provenance.engines.spark`) applies the very same rule inside its
    tasks, one group at a time.
    """
    # Members ascend in paragraph order, so a post's first member comes first.
    first_in_post: dict[int, int] = {}
    occurrences: Counter[int] = Counter()
    for g, post in zip(members, member_posts, strict=True):
        first_in_post.setdefault(post, g)
        occurrences[post] += 1
    if len(first_in_post) >= boilerplate_posts or max(occurrences.values()) >= boilerplate_repeats:
        return GroupLinks(True, len(first_in_post), [], [])
    pairs: list[tuple[int, int]] = []
    repeats: list[int] = []
    for g, post in zip(members, member_posts, strict=True):
        first = first_in_post[post]
        if g != first:
            pairs.append((first, g))
            repeats.append(g)
    if words >= min_pair_words:
        firsts = list(first_in_post.values())
        for i, ga in enumerate(firsts):
            pairs.extend((ga, gb) for gb in firsts[i + 1 :])
    return GroupLinks(False, len(first_in_post), pairs, repeats)


def boilerplate_record(
    members: Sequence[int],
    posts: int,
    flat: Flat,
    order: dict[str, ChronologicalKey],
    by_input: Callable[[ParagraphRef], tuple[int, int]],
) -> Boilerplate:
    """The report's record of one boilerplate text: its earliest occurrence's text and every member."""
    earliest = min(members, key=lambda g: (order[flat.refs[g].post], flat.refs[g].paragraph))
    return Boilerplate(
        text=flat.texts[earliest],
        posts=posts,
        members=tuple(sorted((flat.refs[g] for g in members), key=by_input)),
    )


def sort_boilerplate(boilerplate: list[Boilerplate]) -> None:
    """Most widespread first (the order of the report's list)."""
    boilerplate.sort(key=lambda bp: (-bp.posts, -len(bp.members), bp.text))


def _intersect_ids(ids: npt.NDArray[np.uint32], start: IntArray, a: IntArray, b: IntArray) -> IntArray:
    """Sizes of ``ids[start[a[i]]:start[a[i]+1]]`` & the same for ``b[i]`` (each slice distinct).

    Both slices of a pair are packed as (pair number, id) into one 64-bit
    word each and sorted in one plain sort, instead of a two-key lexsort;
    a word equal to its neighbour is an id both sides hold.
    """
    sizes = np.diff(start)
    result = np.zeros(len(a), dtype=np.int64)
    if not len(a):
        return result
    work = sizes[a] + sizes[b]
    cumulative = np.cumsum(work)
    first = 0
    while first < len(a):
        base = int(cumulative[first - 1]) if first else 0
        last = max(first + 1, int(np.searchsorted(cumulative, base + _INTERSECT_BLOCK, side="right")))
        sel_a, sel_b = a[first:last], b[first:last]
        pair = np.arange(len(sel_a), dtype=np.uint64) << np.uint64(32)
        packed = np.concatenate(
            [
                np.repeat(pair, sizes[sel_a]) | ids[segments(start[sel_a], start[sel_a + 1])],
                np.repeat(pair, sizes[sel_b]) | ids[segments(start[sel_b], start[sel_b + 1])],
            ]
        )
        packed.sort()
        shared = packed[1:][packed[1:] == packed[:-1]] >> np.uint64(32)
        result[first:last] = np.bincount(shared.astype(np.int64), minlength=len(sel_a))
        first = last
    return result


def shared_counts(index: ShingleIndex, a: IntArray, b: IntArray, workers: int = 1) -> IntArray:
    """Exact shared-shingle counts: the index's count plus the shared shingles the cap left out.

    Every shingle is either indexed (the index counted it for each pair
    sharing it) or over the cap; so the over-cap shingles both sides share
    are all the index missed, and only those short lists are intersected.
    An index built with a rule kept only the pairs that pass it: for any
    other pair the count is a lower bound, and the pair is known to fall
    short of that rule's threshold anyway. With two or more ``workers`` and
    at least :data:`PARALLEL_INTERSECT_PAIRS` pairs to intersect, a forked
    process intersects the later half.
    """
    n = len(index.sizes)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    wanted = lo.astype(np.uint64) * np.uint64(n) + hi.astype(np.uint64)
    result = np.zeros(len(a), dtype=np.int64)
    if len(index.keys):
        pos = np.minimum(np.searchsorted(index.keys, wanted), len(index.keys) - 1)
        found = index.keys[pos] == wanted
        result = np.where(found, index.counts[pos], 0).astype(np.int64)
    # Only pairs where both sides lost shingles to the cap can share more than the index counted.
    hidden = np.flatnonzero((index.over_cap[lo] > 0) & (index.over_cap[hi] > 0))
    ids, start = index.over_cap_ids, index.over_cap_start
    if workers < 2 or len(hidden) < PARALLEL_INTERSECT_PAIRS:
        result[hidden] += _intersect_ids(ids, start, lo[hidden], hi[hidden])
        return result
    first, later = hidden[: len(hidden) // 2], hidden[len(hidden) // 2 :]
    child = ForkedCall("shingle intersection", _intersect_ids, (ids, start, lo[later], hi[later]), fork=True)
    try:
        result[first] += _intersect_ids(ids, start, lo[first], hi[first])
        result[later] += child()
    finally:
        child.close()
    return result


@dataclass(slots=True)
class Verified:
    a: IntArray
    b: IntArray
    kind: list[PairKind]
    jaccard: npt.NDArray[np.float64]
    containment: npt.NDArray[np.float64]
    #: Containment on the partial shingles, the measure a ``partial`` pair is kept on.
    partial_containment: npt.NDArray[np.float64]


def classify(
    keys: IntArray,
    flat: Flat,
    index_k: ShingleIndex,
    index_p: ShingleIndex,
    config: AuditConfig,
    workers: int = 1,
) -> Verified:
    """The kind of each candidate pair on exact values, dropping those below every threshold.

    Order of precedence: ``contained`` (containment with the length ratio),
    then ``near`` (Jaccard), then ``partial`` (containment on the shorter
    shingles, with at least ``config.min_partial_shared`` of them shared).
    """
    n = len(flat.lengths)
    parts: list[Verified] = []
    # A block of candidates at a time: some twenty temporaries per candidate
    # (counts, sizes, shares, masks) for every candidate at once were a gigabyte
    # more than the index step at 2.4 million paragraphs (bench_audit.py).
    for start in range(0, max(len(keys), 1), _CLASSIFY_BLOCK):  # no candidate: one empty block
        block = keys[start : start + _CLASSIFY_BLOCK]
        a, b = block // n, block % n
        shared_k = shared_counts(index_k, a, b, workers)
        shared_p = shared_counts(index_p, a, b, workers)
        keep, kinds, jaccard, containment, containment_p = pair_kinds(
            shared_k,
            shared_p,
            index_k.sizes[a],
            index_k.sizes[b],
            index_p.sizes[a],
            index_p.sizes[b],
            flat.lengths[a],
            flat.lengths[b],
            flat.post_of[a] == flat.post_of[b],
            config,
        )
        parts.append(Verified(a[keep], b[keep], kinds, jaccard[keep], containment[keep], containment_p[keep]))
    if len(parts) == 1:
        return parts[0]
    return Verified(
        np.concatenate([part.a for part in parts]),
        np.concatenate([part.b for part in parts]),
        [kind for part in parts for kind in part.kind],
        np.concatenate([part.jaccard for part in parts]),
        np.concatenate([part.containment for part in parts]),
        np.concatenate([part.partial_containment for part in parts]),
    )


def pair_kinds(
    shared_k: IntArray,
    shared_p: IntArray,
    size_a: IntArray,
    size_b: IntArray,
    size_p_a: IntArray,
    size_p_b: IntArray,
    words_a: IntArray,
    words_b: IntArray,
    same_post: npt.NDArray[np.bool_],
    config: AuditConfig,
) -> tuple[
    IntArray, list[PairKind], npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]
]:
    """Which pairs are kept (positions), their kinds, and every pair's Jaccard and both containments.

    The decision of :func:`classify` from exact counts alone: shared and
    distinct shingles of each side on both shingle sizes, word counts, and
    whether both sides are in one post. The Spark engine calls it inside its
    tasks, so both engines decide kinds with one piece of code.
    """
    union = size_a + size_b - shared_k
    jaccard = np.where(union > 0, shared_k / np.maximum(union, 1), 0.0)
    smaller = np.minimum(size_a, size_b)
    containment = np.where(smaller > 0, shared_k / np.maximum(smaller, 1), 0.0)
    smaller_p = np.minimum(size_p_a, size_p_b)
    containment_p = np.where(smaller_p > 0, shared_p / np.maximum(smaller_p, 1), 0.0)
    ratio_ok = np.maximum(words_a, words_b) >= config.length_ratio * np.minimum(words_a, words_b)
    is_contained = (containment >= config.containment - _EPS) & ratio_ok
    is_near = ~is_contained & (jaccard >= config.threshold - _EPS)
    is_partial = (
        ~is_contained
        & ~is_near
        & (containment_p >= config.partial - _EPS)
        & (shared_p >= config.min_partial_shared)
    )
    # A paragraph of a few words ("Cheers", "Hello all,") makes no pair across posts of its own.
    too_short = (np.minimum(words_a, words_b) < config.min_pair_words) & ~same_post
    keep = np.flatnonzero((is_contained | is_near | is_partial) & ~too_short)
    kinds: list[PairKind] = [
        "contained" if is_contained[c] else ("near" if is_near[c] else "partial") for c in keep.tolist()
    ]
    return keep, kinds, jaccard, containment, containment_p
