"""Candidate pairs: a shingle inverted index with a document-frequency cap, and MinHash LSH.

Two generators, because each sees what the other cannot:

* The **shingle index** (built with numpy sorts) counts, for every pair of
  paragraphs, the indexed shingles they share. It finds containment of a
  short excerpt inside a long paragraph and ``partial`` reuse, which a
  Jaccard sketch cannot. A shingle found in more than
  ``stock_phrase_paragraphs`` paragraphs (a stock phrase) is left out, as
  seed-and-extend tools do, so
  the pair work stays bounded; such shingles only bound a pair's count from
  above, and a pair is a candidate whenever that generous bound reaches a
  threshold. Pair keys are counted bucket by bucket (:mod:`.buckets`,
  through temporary files once they outgrow memory), and the
  ``partial`` index keeps only its candidates: at a million paragraphs its
  88 million shingle-sharing pairs would otherwise hold a gigabyte.
* **MinHash LSH** (datasketch's MinHash and the bands of its ``MinHashLSH``,
  bucketed as arrays: :func:`band_bucket_pairs`) covers the one blind spot of
  the capped index: a near pair whose shared shingles are *all* stock
  phrases. Such a pair shares no indexed shingle, so each side must have at
  least ``threshold`` of its shingles over the cap (shared/size >= Jaccard).
  Only those paragraphs go into the LSH, which keeps it cheap on real dumps;
  its bands are chosen from the S-curve so that a pair at the Jaccard
  threshold is a candidate with probability >= ``lsh_recall``.

Every candidate is verified exactly afterwards (:mod:`.verify`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import numpy as np
import numpy.typing as npt

from provenance.config import AuditConfig
from provenance.dedup import buckets
from provenance.dedup.buckets import ColumnBuckets
from provenance.dedup.flat import (
    Flat,
    HashArray,
    IntArray,
    concatenate_freeing,
    segments,
    sorted_unique,
    sorted_unique_counts,
)
from provenance.shingle import shingle_values, shingles_per_paragraph
from provenance.workers import ForkedCall, release_free_memory

# The stock-phrase cap (AuditConfig.stock_phrase_paragraphs), the minimum
# shared shingles of a partial pair (min_partial_shared) and the LSH recall at
# the threshold (lsh_recall) are fields of the configuration: they change results.
# datasketch 2.x's default permutation scheme; recorded in the stats because
# signatures of different schemes cannot be compared.
MINHASH_SCHEME = "affine32"
# Emitted pair keys are sorted and put away in batches of this many.
_PENDING_KEYS = 2_000_000
# Shingles per hash range of the posting lists: bounds the temporaries.
_RANGE_SHINGLES = 1 << 21
# Pairs per block of candidate filtering: bounds the temporaries (a dozen
# arrays of this length; at 1 << 23 they were the index phase's peak at 1M).
_BLOCK_PAIRS = 1 << 21
# Pair keys are bucketed by their first paragraph, this many paragraphs per
# bucket; each bucket is counted on its own at the end.
_BUCKET_PARAGRAPHS = 8_192
# Emitted pair keys from which their counting is shared with a forked
# process (about 2 s of counting; a 100k-paragraph dump emits 8 million).
PARALLEL_COUNT_KEYS = 1 << 25
# Words per block when the index makes its shingles (see _shingle_ranges).
_OCCURRENCE_BLOCK_WORDS = 1 << 22
# Shingles per block when computing signatures: the block's two uint32 arrays stay in the processor's cache
# (1 << 17: 0.30 s for 4.8 million shingles, 1 << 20: 0.56 s; a scratch script).
_SIGNATURE_BLOCK = 1 << 17
_EPS = 1e-9
CountArray = npt.NDArray[np.int32]
KeyArray = npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class CandidateRule:
    """Which pairs of an index can reach a threshold: ``partial`` ones, or ``near``/``contained`` ones."""

    config: AuditConfig
    partial: bool


@dataclass(slots=True)
class ShingleIndex:
    """One shingle size: per-paragraph shingle counts, the shingles over the cap, and capped pair counts.

    The shingles themselves are not kept (at a million paragraphs they would
    cost half a gigabyte per shingle size): verification needs only the
    indexed counts plus the over-cap shingles, and MinHash signatures are
    made from the word hashes (:func:`paragraph_shingles`).
    """

    k: int
    sizes: IntArray  # distinct shingles per paragraph
    over_cap: IntArray  # how many of a paragraph's shingles were left out of the index
    # Those shingles, grouped by paragraph, each as its rank among the
    # index's distinct over-cap shingles: equal ids are equal shingles, and
    # 32 bits leave room to pack a pair number beside an id (verification).
    over_cap_ids: npt.NDArray[np.uint32]
    over_cap_start: IntArray  # slice of ``over_cap_ids`` per paragraph (length n + 1)
    # a * n + b (a < b), sorted: every pair sharing an indexed shingle, or, when
    # the index was built with a ``rule``, only the pairs that pass it.
    keys: KeyArray
    counts: CountArray  # how many indexed shingles each pair shares
    rule: CandidateRule | None = None


class _PairCounts:
    """Shared-shingle counts of paragraph pairs, counted one bucket of first paragraphs at a time.

    Every emitted pair key (one per shared indexed shingle) goes to a
    :class:`~provenance.dedup.buckets.ColumnBuckets` bucket by its first
    paragraph; at the end each bucket is sorted, counted and filtered on its
    own. So memory holds one bucket's keys instead of every pair's count: at
    a million paragraphs the 3-word index emits some 100 million keys for
    88 million pairs, of which about one in fifty can reach a threshold.

    While counted, a pair is packed as ``a << 32 | b`` (:func:`pack_pairs`):
    the same order as ``a * n + b``, and its paragraphs and bucket come back
    by shifts and masks instead of 64-bit divisions, one per key.
    """

    def __init__(self, n: int) -> None:
        if n >= 1 << 32:
            raise OverflowError("2**32 paragraphs or more")
        self._n = np.uint64(max(1, n))
        # Buckets are 2**width_bits first paragraphs wide: at least
        # _BUCKET_PARAGRAPHS, and at most 256 buckets.
        width_bits = max((_BUCKET_PARAGRAPHS - 1).bit_length(), (max(1, n) - 1).bit_length() - 8)
        self._shift = np.uint64(32 + width_bits)
        # A pair's bucket grows with its first paragraph, so with its key.
        self._keys = ColumnBuckets(max(1, -(-n >> width_bits)), (np.uint64,), ordered=True)

    def add(self, packed: KeyArray) -> None:
        """Count one shared shingle for each pair in ``packed`` (:func:`pack_pairs` keys)."""
        self._keys.add((packed,), packed >> self._shift)

    def result(
        self,
        keep: Callable[[IntArray, IntArray, CountArray], npt.NDArray[np.bool_]] | None = None,
        workers: int = 1,
    ) -> tuple[KeyArray, CountArray]:
        """Every pair's ``a * n + b`` key (sorted) and count, then emptied.

        With ``keep``, only the pairs ``keep(a, b, count)`` accepts. With two
        or more ``workers`` and at least :data:`PARALLEL_COUNT_KEYS` keys, a
        forked process counts the later half of the buckets (by keys) while
        this one counts the first: at a million paragraphs this last step
        of the 3-word index takes about 5 s, and the core beside it is free
        by then (the post-reuse process has ended).
        """
        try:
            counts = self._keys.row_counts()
            filled = [bucket for bucket, count in enumerate(counts) if count]
            rows = np.array([counts[bucket] for bucket in filled], dtype=np.int64)
            later: list[int] = []
            if workers > 1 and len(filled) > 1 and int(rows.sum()) >= PARALLEL_COUNT_KEYS:
                half = int(np.searchsorted(np.cumsum(rows), rows.sum() / 2))
                later = filled[max(1, half) :]
            earlier = filled[: len(filled) - len(later)]
            if not later:
                return self._count(earlier, keep, free=True)
            child = ForkedCall("pair counting", self._count, (later, keep, False), fork=True)
            try:
                parts = [self._count(earlier, keep, free=True), child()]
            finally:
                child.close()
        finally:
            self.close()
        # Buckets come in order of first paragraph, so the keys come out sorted.
        return (
            np.concatenate([keys for keys, _ in parts]),
            np.concatenate([counts for _, counts in parts]),
        )

    def _count(
        self,
        bucket_numbers: list[int],
        keep: Callable[[IntArray, IntArray, CountArray], npt.NDArray[np.bool_]] | None,
        free: bool,
    ) -> tuple[KeyArray, CountArray]:
        """The pairs and counts of these buckets, in order (each bucket's rows freed after, if ``free``)."""
        kept_keys: list[KeyArray] = []
        kept_counts: list[CountArray] = []
        low = np.uint64(0xFFFFFFFF)
        for bucket in bucket_numbers:
            (bucket_keys,) = self._keys.rows(bucket)
            if free:
                self._keys.forget(bucket)
            packed, counts64 = sorted_unique_counts(bucket_keys)
            del bucket_keys
            counts = counts64.astype(np.int32)
            first = (packed >> np.uint64(32)).astype(np.int64)
            second = (packed & low).astype(np.int64)
            del packed
            if keep is not None:
                accepted = keep(first, second, counts)
                first, second, counts = first[accepted], second[accepted], counts[accepted]
            kept_keys.append(first.astype(np.uint64) * self._n + second.astype(np.uint64))
            kept_counts.append(counts)
        return concatenate_freeing(kept_keys, np.uint64), concatenate_freeing(kept_counts, np.int32)

    def close(self) -> None:
        """Remove the temporary files, if any."""
        self._keys.close()


def pack_pairs(first: IntArray, second: IntArray) -> KeyArray:
    """Pairs of paragraph numbers (each below 2**32) as ``first << 32 | second`` keys."""
    return (first.astype(np.uint64) << np.uint64(32)) | second.astype(np.uint64)


def posting_order(
    values: HashArray, known_top_bits: int = 0, prefix_bits: int | None = None
) -> tuple[IntArray, HashArray]:
    """The order grouping equal ``values``, ascending index inside each group; and the values in that order.

    What a stable argsort gives (groups in value order too), at the cost of
    one plain sort: each value's top ``prefix_bits`` (below the
    ``known_top_bits`` every value shares, by default as many as leave room
    for the index) are packed with its index into one word and sorted. Two
    different values with the same prefix would interleave, so every run of
    equal prefixes that holds more than one value is re-sorted by (value,
    index); with 64-bit hashes there are a handful of such runs per
    million values.
    """
    m = len(values)
    index_bits = max(1, (m - 1).bit_length())
    if prefix_bits is None:
        prefix_bits = 64 - index_bits
    prefix_bits = max(0, min(prefix_bits, 64 - index_bits, 64 - known_top_bits))
    prefix = (
        (values << np.uint64(known_top_bits)) >> np.uint64(64 - prefix_bits)
        if prefix_bits
        else np.zeros(m, dtype=np.uint64)
    )
    packed = np.sort((prefix << np.uint64(index_bits)) | np.arange(m, dtype=np.uint64))
    del prefix
    local = (packed & np.uint64((1 << index_bits) - 1)).astype(np.int64)
    ordered = values[local]
    same_prefix = (packed[1:] >> np.uint64(index_bits)) == (packed[:-1] >> np.uint64(index_bits))
    del packed
    clash = same_prefix & (ordered[1:] != ordered[:-1])
    if clash.any():
        run = np.cumsum(np.r_[True, ~same_prefix])
        mixed = np.isin(run, run[1:][clash])
        members = np.flatnonzero(mixed)
        # Runs are contiguous: sorting the members by (run, value, index) keeps each run in its place.
        resort = np.lexsort((local[members], ordered[members], run[members]))
        local[members] = local[members][resort]
        ordered[members] = ordered[members][resort]
    return local, ordered


def build_index(
    flat: Flat,
    active: npt.NDArray[np.bool_],
    k: int,
    rule: CandidateRule | None = None,
    workers: int = 1,
    cap: int = 64,
) -> ShingleIndex:
    """The capped inverted index of ``k``-word shingles over the active paragraphs.

    A shingle in more than ``cap`` paragraphs is left out of the posting lists
    (``AuditConfig.stock_phrase_paragraphs``; it is counted in ``over_cap``).

    With a ``rule``, only the pairs that pass it (:func:`candidate_mask`) are
    kept: enough for an index whose exact counts are needed only to decide
    its own kind (the ``partial`` index), and far less memory.

    Posting lists are built in ranges of shingle hashes (a shingle's whole
    list lies in one range): the shingles are made block by block and go to
    their range's bucket (:func:`_shingle_ranges`), so neither all
    shingles nor the temporaries of all posting lists are ever held at once.
    A shingle repeated inside one paragraph is dropped there, so every count
    is of distinct shingles. Pair counts are accumulated by
    :class:`_PairCounts` (sharing the last step with a forked process when
    ``workers`` > 1 and there are many). Range, block and bucket sizes and
    ``workers`` never change the result.
    """
    n = len(flat.lengths)
    shingle_counts = shingles_per_paragraph(flat.lengths, k, active)
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(shingle_counts, out=start[1:])
    del shingle_counts
    # Hash ranges by the top bits: about _RANGE_SHINGLES shingles per range.
    range_bits = max(0, min(8, int(np.ceil(np.log2(max(1, int(start[-1])) / _RANGE_SHINGLES)))))

    sizes = np.zeros(n, dtype=np.int64)
    over_cap = np.zeros(n, dtype=np.int64)
    # The first occurrence in each paragraph of each over-cap shingle: (paragraph, shingle id).
    over_owners: list[npt.NDArray[np.int32]] = []
    over_ids: list[npt.NDArray[np.uint32]] = []
    distinct_over = 0  # over-cap shingles given an id so far
    pair_counts = _PairCounts(n)
    ranges = _shingle_ranges(flat, active, k, start, range_bits)
    try:
        for values_in, owner in ranges:
            local, values = posting_order(values_in, range_bits)
            del values_in
            posting_owner = owner[local].astype(np.int64)
            del owner, local
            # A shingle repeated inside a paragraph: keep its first occurrence only.
            new_value = np.ones(len(values), dtype=bool)
            np.not_equal(values[1:], values[:-1], out=new_value[1:])
            first_in_paragraph = new_value.copy()
            first_in_paragraph[1:] |= posting_owner[1:] != posting_owner[:-1]
            new_value = new_value[first_in_paragraph]
            posting_owner = posting_owner[first_in_paragraph]
            values = values[first_in_paragraph]
            del first_in_paragraph
            sizes += np.bincount(posting_owner, minlength=n)
            group_start = np.flatnonzero(new_value)
            group_size = np.diff(np.r_[group_start, len(new_value)]).astype(np.int64)
            del new_value
            over = np.repeat(group_size > cap, group_size)
            over_cap += np.bincount(posting_owner[over], minlength=n)
            over_owners.append(posting_owner[over].astype(np.int32))
            # Ranges come in hash order and values ascend inside one, so
            # numbering the runs of equal values ranks the over-cap shingles.
            over_values = values[over]
            run_start = np.ones(len(over_values), dtype=bool)
            np.not_equal(over_values[1:], over_values[:-1], out=run_start[1:])
            ids = np.cumsum(run_start, dtype=np.int64) + (distinct_over - 1)
            distinct_over += int(run_start.sum())
            if distinct_over > 2**32:
                raise OverflowError("more than 2**32 distinct over-cap shingles")
            over_ids.append(ids.astype(np.uint32))
            del over, values, over_values, run_start, ids
            _emit_pairs(pair_counts, posting_owner, group_start.astype(np.int64), group_size, cap)
            del posting_owner
        over_cap_start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(over_cap, out=over_cap_start[1:])
        # Grouped by paragraph, as verification reads them (inside a
        # paragraph, in the order the ranges gave them).
        over_cap_ids: npt.NDArray[np.uint32] = np.zeros(0, dtype=np.uint32)
        if over_owners:
            where = concatenate_freeing(over_owners, np.int32)
            order = np.argsort(where, kind="stable")
            del where
            ids = concatenate_freeing(over_ids, np.uint32)
            over_cap_ids = ids[order].astype(np.uint32, copy=False)
            del ids, order
        del over_owners, over_ids, start

        def passes(first: IntArray, second: IntArray, counts: CountArray) -> npt.NDArray[np.bool_]:
            assert rule is not None
            return candidate_mask(first, second, counts, sizes, over_cap, flat.lengths, rule)

        keys, counts = pair_counts.result(passes if rule is not None else None, workers)
    finally:
        ranges.close()
        pair_counts.close()
    release_free_memory()
    return ShingleIndex(k, sizes, over_cap, over_cap_ids, over_cap_start, keys, counts, rule)


def _shingle_ranges(
    flat: Flat, active: npt.NDArray[np.bool_], k: int, start: IntArray, range_bits: int
) -> Generator[tuple[HashArray, npt.NDArray[Any]], None, None]:
    """Each hash range's shingles of the active paragraphs and their paragraphs (ascending), range by range.

    ``start`` is each paragraph's first shingle among all of the index's
    shingles, in paragraph order. The shingles are
    made one block of paragraphs at a time (about
    :data:`_OCCURRENCE_BLOCK_WORDS` words) and grouped by
    :func:`~provenance.dedup.buckets.by_top_bits`, so on a large dump they are
    never held together (half a gigabyte per index at a million paragraphs).
    """
    n = len(flat.lengths)
    total = int(start[-1])

    def blocks() -> Iterator[tuple[HashArray, IntArray]]:
        word_end = flat.word_start + flat.lengths
        first = 0
        while first < n:
            limit = int(flat.word_start[first]) + _OCCURRENCE_BLOCK_WORDS
            last = max(first + 1, int(np.searchsorted(word_end, limit, side="right")))
            words = flat.hashes[int(flat.word_start[first]) : int(word_end[last - 1])]
            sh, counts = shingle_values(words, flat.lengths[first:last], k, keep=active[first:last])
            assert len(sh) == int(start[last] - start[first])
            yield sh, np.repeat(np.arange(first, last, dtype=np.int32), counts)
            first = last

    return buckets.by_top_bits(blocks(), total, range_bits, np.int32)


def _emit_pairs(
    pair_counts: _PairCounts, posting_owner: IntArray, group_start: IntArray, group_size: IntArray, cap: int
) -> None:
    # Pairs inside each posting list, one vectorised batch per list length.
    pairable = np.flatnonzero((group_size >= 2) & (group_size <= cap))
    pairable = pairable[np.argsort(group_size[pairable], kind="stable")]
    pairable_size = group_size[pairable]
    bounds: list[int] = []
    if len(pairable):
        bounds = np.flatnonzero(np.r_[True, pairable_size[1:] != pairable_size[:-1], True]).tolist()
    for lo, hi in itertools.pairwise(bounds):
        size = int(pairable_size[lo])
        starts = group_start[pairable[lo:hi]]
        upper_a, upper_b = np.triu_indices(size, 1)
        step = max(1, _PENDING_KEYS // len(upper_a))
        for i in range(0, len(starts), step):
            members = posting_owner[starts[i : i + step, None] + np.arange(size)]
            pair_counts.add(pack_pairs(members[:, upper_a], members[:, upper_b]).ravel())


def candidate_mask(
    a: IntArray,
    b: IntArray,
    counts: CountArray,
    sizes: IntArray,
    over_cap: IntArray,
    lengths: IntArray,
    rule: CandidateRule,
) -> npt.NDArray[np.bool_]:
    """Which pairs ``(a[i], b[i])`` may reach a threshold of ``rule``, on a generous bound of what they share.

    A pair shares its indexed count plus at most the over-cap shingles of
    its poorer side; a pair is a candidate whenever that bound reaches the
    threshold, so no pair that truly reaches it is dropped.
    """
    config = rule.config
    bound = counts + np.minimum(over_cap[a], over_cap[b])
    size_a, size_b = sizes[a], sizes[b]
    smaller = np.minimum(size_a, size_b)
    if rule.partial:
        return (bound >= config.partial * smaller - _EPS) & (bound >= config.min_partial_shared)
    near = bound * (1 + config.threshold) >= config.threshold * (size_a + size_b) - _EPS
    words_a, words_b = lengths[a], lengths[b]
    longer, shorter = np.maximum(words_a, words_b), np.minimum(words_a, words_b)
    ratio_ok = longer >= config.length_ratio * shorter - _EPS
    contained = (bound >= config.containment * smaller - _EPS) & ratio_ok
    return near | contained


def index_candidates(index: ShingleIndex, flat: Flat, rule: CandidateRule) -> IntArray:
    """Pairs (as ``a * n + b`` keys) of ``index`` that may reach a threshold of ``rule``."""
    if index.rule == rule:
        return index.keys.astype(np.int64)
    found: list[IntArray] = []
    # In blocks of keys: the per-pair temporaries of all keys at once would
    # cost more than the keys themselves.
    for first in range(0, len(index.keys), _BLOCK_PAIRS):
        keys = index.keys[first : first + _BLOCK_PAIRS]
        counts = index.counts[first : first + _BLOCK_PAIRS]
        n = np.uint64(len(index.sizes))
        a, b = (keys // n).astype(np.int64), (keys % n).astype(np.int64)
        ok = candidate_mask(a, b, counts, index.sizes, index.over_cap, flat.lengths, rule)
        found.append(keys[ok].astype(np.int64))
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


# --------------------------------------------------------------------------
# MinHash LSH
# --------------------------------------------------------------------------


def lsh_probability(jaccard: float, bands: int, rows: int) -> float:
    """P(two sets of this Jaccard share a band) = 1 - (1 - J**r)**b: the LSH S-curve."""
    return 1.0 - (1.0 - jaccard**rows) ** bands


def lsh_params(threshold: float, num_perm: int, recall: float = 0.99) -> tuple[int, int]:
    """Bands and rows per band for ``MinHashLSH(params=...)``.

    The most rows per band (fewest chance candidates) with ``b = num_perm // r``
    bands whose S-curve still gives ``recall`` at ``threshold``. With the
    defaults (0.5, 128 permutations) that is 42 bands of 3 rows: P = 0.9963 at
    J = 0.5 (32 bands of 4 rows give only 0.873). When no split reaches
    ``recall``, one row per band is the most sensitive choice there is.
    """
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if lsh_probability(threshold, bands, rows) >= recall:
            best = (bands, rows)
        elif rows > 1:
            break
    return best


def permutations(num_perm: int, seed: int) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """datasketch's own affine permutations ``(a, b)`` for ``num_perm`` and ``seed``."""
    from datasketch import MinHash  # imported when needed: datasketch imports scipy (half a second)

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=MINHASH_SCHEME).permutations
    return np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32)


def fold32(hashes: HashArray) -> npt.NDArray[np.uint32]:
    """Our 64-bit shingle hashes folded to the 32-bit values datasketch's affine32 scheme hashes."""
    hashes = np.asarray(hashes, dtype=np.uint64)
    return ((hashes >> np.uint64(32)) ^ (hashes & np.uint64(0xFFFFFFFF))).astype(np.uint32)


def _fmix32(h: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    # MurmurHash3's 32-bit finaliser, as datasketch applies it before permuting.
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def paragraph_shingles(flat: Flat, paragraphs: IntArray, k: int) -> tuple[HashArray, IntArray]:
    """The ``k``-word shingles of the given paragraphs (repeats included) and how many each has."""
    starts = flat.word_start[paragraphs]
    positions = segments(starts, starts + flat.lengths[paragraphs])
    return shingle_values(flat.hashes[positions], flat.lengths[paragraphs], k)


def signatures(
    shingle_hashes: HashArray, counts: IntArray, num_perm: int, seed: int, block: int = _SIGNATURE_BLOCK
) -> npt.NDArray[np.uint32]:
    """MinHash signatures (rows) of shingle sets given back to back (``counts`` shingles each), all at once.

    The same arithmetic as ``MinHash(num_perm, seed).update_batch`` with the
    affine32 scheme (fmix32, then ``a * h + b`` modulo 2**32, minimum per
    permutation), fed with :func:`fold32` of each shingle hash; a repeated
    shingle changes no minimum. Blocks of about ``block`` shingles (whole
    sets, at least one) bound the temporary arrays. Every set must have a shingle.

    One permutation at a time over a block, on one-dimensional arrays: the
    minimum per set of a (shingles x permutations) array, taken down its
    rows, ran some 20 times slower (2.5-3.2 s against 0.13 s for the 2.2
    million shingles of 40,000 paragraphs, the same signatures; two rounds of
    a scratch script).
    """
    a, b = permutations(num_perm, seed)
    out = np.empty((len(counts), num_perm), dtype=np.uint32)
    stops = np.cumsum(counts)
    starts = stops - counts
    row = 0
    while row < len(counts):
        # Take whole sets until the block is full (at least one).
        limit = np.searchsorted(stops[row:] - starts[row], block, side="right")
        end = row + max(1, int(limit))
        mixed = _fmix32(fold32(shingle_hashes[starts[row] : stops[end - 1]]))
        firsts = starts[row:end] - starts[row]
        permuted = np.empty_like(mixed)
        for j in range(num_perm):
            np.multiply(mixed, a[j], out=permuted)
            permuted += b[j]
            out[row:end, j] = np.minimum.reduceat(permuted, firsts)
        row = end
    return out


@dataclass(slots=True)
class LshResult:
    keys: IntArray  # candidate pairs as a * n + b (a < b), sorted
    paragraphs: int  # paragraphs put into the LSH
    bands: int
    rows: int


def lsh_candidates(index: ShingleIndex, flat: Flat, config: AuditConfig) -> LshResult:
    """Near-pair candidates among the paragraphs the capped index is blind for (see module doc)."""
    n = len(index.sizes)
    bands, rows = lsh_params(config.threshold, config.num_perm, config.lsh_recall)
    blind = np.flatnonzero(lsh_blind(index.sizes, index.over_cap, config.threshold))
    if len(blind) < 2:
        return LshResult(np.zeros(0, dtype=np.int64), len(blind), bands, rows)
    shingle_hashes, counts = paragraph_shingles(flat, blind, index.k)
    rows_of = signatures(shingle_hashes, counts, config.num_perm, config.seed)
    del shingle_hashes, counts
    keys = sorted_unique(band_bucket_pairs(rows_of, blind, n, bands, rows, config.stock_phrase_paragraphs))
    return LshResult(keys, len(blind), bands, rows)


def band_bucket_pairs(
    signature_rows: npt.NDArray[np.uint32], members: IntArray, n: int, bands: int, rows: int, cap: int
) -> IntArray:
    """Pair keys ``a * n + b`` of the paragraphs that share an LSH bucket, linearly many (unsorted, repeated).

    ``signature_rows[i]`` is the signature of paragraph ``members[i]``
    (ascending). Band ``j`` is values ``j * rows`` to ``(j + 1) * rows``, and a
    bucket holds the paragraphs whose values there are equal: datasketch's
    ``MinHashLSH(params=(bands, rows))`` puts the same paragraphs together
    (a test compares the two). Each bucket gives its pairs by
    :func:`bucket_links`. The buckets are found by sorting each band's values
    as arrays: datasketch's storage, a dict of sets per band, took about 300
    bytes per paragraph and band, 1.2 GB for 100,000 paragraphs in the LSH
    (a hostile dump of one line in 100,000 versions), against 8 here.
    """
    found: list[IntArray] = []
    for band in range(bands):
        values = signature_rows[:, band * rows : (band + 1) * rows]
        # Stable: equal values keep the members' ascending order.
        order = np.lexsort(values.T[::-1])
        ordered = values[order]
        starts = np.flatnonzero(np.concatenate(([True], (ordered[1:] != ordered[:-1]).any(axis=1))))
        sizes = np.diff(np.append(starts, len(order)))
        bucket = np.repeat(np.arange(len(starts)), sizes)
        sorted_members = members[order].astype(np.int64)
        # A bucket over the cap: each member linked to its first.
        over = np.repeat(sizes > cap, sizes)
        first = sorted_members[starts][bucket]
        star = over & (sorted_members != first)
        found.append(first[star] * n + sorted_members[star])
        # A bucket within the cap: all its pairs, by their distance in the bucket.
        within = ~over
        for distance in range(1, int(sizes[sizes <= cap].max(initial=1))):
            same = within[:-distance] & (bucket[:-distance] == bucket[distance:])
            if not same.any():
                break
            found.append(sorted_members[:-distance][same] * n + sorted_members[distance:][same])
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def bucket_links(members: Sequence[int], cap: int) -> Iterator[tuple[int, int]]:
    """The pairs ``(a, b)`` one LSH bucket of ascending ``members`` gives.

    A bucket of up to ``cap`` paragraphs gives all its pairs, the
    candidates of plain LSH. A bigger one (one line repeated with a word
    changed, thousands of times) links each member to its first instead of
    to every other: all pairs grew with the square of the bucket and ran a
    hostile dump out of memory, while one link per member keeps the
    near-copies together in one cluster. :func:`band_bucket_pairs` gives
    the same pairs for all buckets at once.

    One bucket alone decides its pairs, so the Spark engine applies this very
    rule to each band bucket it groups.
    """
    if len(members) > cap:
        first = members[0]
        yield from ((first, other) for other in members[1:])
        return
    for i, a in enumerate(members):
        yield from ((a, b) for b in members[i + 1 :])


def lsh_blind(sizes: IntArray, over_cap: IntArray, threshold: float) -> npt.NDArray[np.bool_]:
    """Paragraphs the capped index may be blind for: at least ``threshold`` of their shingles over the cap.

    A near pair that shares no indexed shingle shares only over-cap ones, so
    each side has at least ``threshold`` of its shingles over the cap
    (shared/size >= Jaccard); only these go into the LSH.
    """
    return (sizes > 0) & (over_cap >= threshold * sizes - _EPS) & (over_cap > 0)


def datasketch_stats(result: LshResult, config: AuditConfig) -> dict[str, object]:
    """What produced the candidates, for ``DedupResult.stats`` (export reads ``minhash_scheme``)."""
    return {
        "datasketch": version("datasketch"),
        "minhash_scheme": MINHASH_SCHEME,
        "num_perm": config.num_perm,
        "minhash_seed": config.seed,
        "lsh_bands": result.bands,
        "lsh_rows": result.rows,
        "lsh_recall_at_threshold": round(lsh_probability(config.threshold, result.bands, result.rows), 6),
        "lsh_paragraphs": result.paragraphs,
        "lsh_candidates": len(result.keys),
    }
