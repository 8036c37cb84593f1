"""Candidate pairs: a shingle inverted index with a document-frequency cap, and MinHash LSH.

Two generators, because each sees what the other cannot:

* The **shingle index** (built with numpy sorts) counts, for every pair of
  paragraphs, the indexed shingles they share. It finds containment of a
  short excerpt inside a long paragraph and ``partial`` reuse, which a
  Jaccard sketch cannot. A shingle found in more than :data:`DF_CAP`
  paragraphs (a stock phrase) is left out, as seed-and-extend tools do, so
  the pair work stays bounded; such shingles only bound a pair's count from
  above, and a pair is a candidate whenever that generous bound reaches a
  threshold.
* **MinHash LSH** (datasketch ``MinHashLSH``) covers the one blind spot of
  the capped index: a near pair whose shared shingles are *all* stock
  phrases. Such a pair shares no indexed shingle, so each side must have at
  least ``threshold`` of its shingles over the cap (shared/size >= Jaccard).
  Only those paragraphs go into the LSH, which keeps it cheap on real dumps;
  its bands are chosen from the S-curve so that a pair at the Jaccard
  threshold is a candidate with probability >= :data:`LSH_RECALL`.

Every candidate is verified exactly afterwards (:mod:`.verify`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import datasketch
import numpy as np
import numpy.typing as npt
from datasketch import LeanMinHash, MinHash, MinHashLSH

from provenance.config import AuditConfig
from provenance.dedup.flat import Flat, HashArray, IntArray, segments, sorted_unique, sorted_unique_counts
from provenance.shingle import shingle_values

# A shingle found in more paragraphs than this is a stock phrase: it is left
# out of the candidate index (it still counts in exact verification). Pair
# generation costs cap**2 per shingle, so the cap bounds the work.
DF_CAP = 64
# A ``partial`` pair must share at least this many distinct
# partial_shingle_size-word shingles (4 three-word shingles = a 6-word run at
# least): a 0.3 share of a 5-word paragraph is one shared phrase, not reuse.
MIN_PARTIAL_SHARED = 4
# Probability that LSH makes a candidate of a pair exactly at the Jaccard
# threshold (issue 4: recall against exact all-pairs at least 0.99).
LSH_RECALL = 0.99
# datasketch 2.x's default permutation scheme; recorded in the stats because
# signatures of different schemes cannot be compared.
MINHASH_SCHEME = "affine32"
# Emitted pair keys are merged into counts when this many are pending (memory bound).
_PENDING_KEYS = 8_000_000
# Shingles per block (paragraph blocks, hash ranges, candidate filtering): bounds the temporaries.
_BLOCK_SHINGLES = 1 << 23
# Shingles per block when computing signatures: bounds the (shingles x num_perm) temporary.
_SIGNATURE_BLOCK = 1 << 17
_EPS = 1e-9
CountArray = npt.NDArray[np.int32]


@dataclass(slots=True)
class ShingleIndex:
    """One shingle size: each paragraph's distinct shingles and the capped pair counts."""

    k: int
    by_paragraph: HashArray  # distinct shingles, grouped by paragraph, sorted inside
    start: IntArray  # slice of ``by_paragraph`` per paragraph (length n + 1)
    sizes: IntArray  # distinct shingles per paragraph
    over_cap: IntArray  # how many of a paragraph's shingles were left out of the index
    over_cap_shingles: HashArray  # those shingles, grouped by paragraph, sorted inside
    over_cap_start: IntArray  # slice of ``over_cap_shingles`` per paragraph (length n + 1)
    keys: npt.NDArray[np.uint64]  # a * n + b (a < b) for every pair sharing an indexed shingle, sorted
    counts: CountArray  # how many indexed shingles each pair shares

    def shingles_of(self, g: int) -> HashArray:
        return self.by_paragraph[self.start[g] : self.start[g + 1]]

    def over_cap_of(self, g: int) -> HashArray:
        return self.over_cap_shingles[self.over_cap_start[g] : self.over_cap_start[g + 1]]


def _merge_counts(
    parts: list[tuple[npt.NDArray[np.uint64], CountArray]],
) -> tuple[npt.NDArray[np.uint64], CountArray]:
    if not parts:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)
    if len(parts) == 1:
        return parts[0]
    keys = np.concatenate([p[0] for p in parts])
    counts = np.concatenate([p[1] for p in parts])
    order = np.argsort(keys)
    keys, counts = keys[order], counts[order]
    del order
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return keys[first], np.add.reduceat(counts, first).astype(np.int32)


class _PairCounts:
    """Shared-shingle counts of paragraph pairs, accumulated in bounded memory.

    Emitted keys are counted in batches of :data:`_PENDING_KEYS`; each batch's
    counts are split by key range into buckets, and a bucket is merged once
    its unmerged parts outgrow what it already holds. So memory stays near the
    size of the final counts instead of the sum of every batch's (at a million
    paragraphs the 3-word index emits hundreds of millions of keys).
    """

    def __init__(self, n: int, buckets: int) -> None:
        # Bucket j holds the keys of pairs whose first paragraph is in its j-th share.
        self._bounds = np.array([(n * j // buckets) * n for j in range(1, buckets)], dtype=np.uint64)
        self._merged = [(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)) for _ in range(buckets)]
        self._parts: list[list[tuple[npt.NDArray[np.uint64], CountArray]]] = [[] for _ in range(buckets)]
        self._part_sizes = [0] * buckets
        self._batch: list[npt.NDArray[np.uint64]] = []
        self._batch_size = 0

    def add(self, keys: npt.NDArray[np.uint64]) -> None:
        self._batch.append(keys)
        self._batch_size += keys.size
        if self._batch_size >= _PENDING_KEYS:
            self._flush()

    def _flush(self) -> None:
        if not self._batch:
            return
        keys, counts = sorted_unique_counts(np.concatenate(self._batch))
        self._batch, self._batch_size = [], 0
        cuts = [0, *np.searchsorted(keys, self._bounds).tolist(), len(keys)]
        for bucket, (lo, hi) in enumerate(itertools.pairwise(cuts)):
            if hi > lo:
                self._parts[bucket].append((keys[lo:hi].copy(), counts[lo:hi].astype(np.int32)))
                self._part_sizes[bucket] += hi - lo
                if self._part_sizes[bucket] >= max(len(self._merged[bucket][0]), _PENDING_KEYS // 4):
                    self._merge(bucket)

    def _merge(self, bucket: int) -> None:
        self._merged[bucket] = _merge_counts([self._merged[bucket], *self._parts[bucket]])
        self._parts[bucket], self._part_sizes[bucket] = [], 0

    def result(self) -> tuple[npt.NDArray[np.uint64], CountArray]:
        """Every pair's key (sorted) and count; the accumulator is emptied."""
        self._flush()
        for bucket in range(len(self._parts)):
            self._merge(bucket)
        total = sum(len(m[0]) for m in self._merged)
        keys = np.empty(total, dtype=np.uint64)
        counts = np.empty(total, dtype=np.int32)
        at = 0
        # Filled bucket by bucket, each freed once copied: never two full copies at once.
        merged, self._merged = self._merged[::-1], []
        while merged:
            bucket_keys, bucket_counts = merged.pop()
            keys[at : at + len(bucket_keys)] = bucket_keys
            counts[at : at + len(bucket_keys)] = bucket_counts
            at += len(bucket_keys)
        return keys, counts


def _dense_ids(values: HashArray) -> tuple[IntArray, HashArray]:
    """Each value's rank among the distinct values (int64) and the distinct values, sorted."""
    order = np.argsort(values)
    sorted_values = values[order]
    new = np.empty(len(sorted_values), dtype=bool)
    new[:1] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=new[1:])
    distinct = sorted_values[new]
    del sorted_values
    dense = np.empty(len(order), dtype=np.int64)
    dense[order] = np.cumsum(new) - 1
    return dense, distinct


def _distinct_per_paragraph(sh: HashArray, counts: IntArray) -> tuple[HashArray, IntArray, IntArray | None]:
    """Each paragraph's distinct shingles sorted, concatenated, how many each has, and their dense ids.

    ``sh`` holds the shingles of consecutive paragraphs (``counts`` per
    paragraph); blocks of about :data:`_BLOCK_SHINGLES` shingles bound the
    temporaries, and a block's result does not depend on the block size.
    The dense ids (each shingle's rank among all distinct shingles) come
    back only when everything fitted in one block: then they are exactly
    what :func:`_dense_ids` of the result would give, and the index reuses
    them instead of sorting the shingles a second time.
    """
    n = len(counts)
    sizes = np.zeros(n, dtype=np.int64)
    pieces: list[HashArray] = []
    dense_ids: IntArray | None = None
    end = np.cumsum(counts)
    first = 0
    while first < n:
        base = int(end[first - 1]) if first else 0
        last = max(first + 1, int(np.searchsorted(end, base + _BLOCK_SHINGLES, side="right")))
        block = sh[base : int(end[last - 1])]
        owner = np.repeat(np.arange(last - first, dtype=np.int64), counts[first:last])
        dense, distinct = _dense_ids(block)
        # (paragraph, shingle) sorted: each paragraph's distinct shingles in
        # hash order (dense ids follow hash order).
        # Packed with a shift, not a product: the same order, and unpacking is
        # a shift and a mask instead of a division.
        bits = max(1, len(distinct) - 1).bit_length()
        per_paragraph = sorted_unique((owner << bits) | dense)
        del owner, dense
        paragraph_of, shingle_of = per_paragraph >> bits, per_paragraph & ((1 << bits) - 1)
        pieces.append(distinct[shingle_of])
        sizes[first:last] = np.bincount(paragraph_of, minlength=last - first)
        dense_ids = shingle_of if first == 0 and last == n else None
        first = last
    by_paragraph = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.uint64)
    return by_paragraph, sizes, dense_ids


def build_index(flat: Flat, active: npt.NDArray[np.bool_], k: int) -> ShingleIndex:
    """The capped inverted index of ``k``-word shingles over the active paragraphs.

    Memory is bounded by blocks: distinct shingles per paragraph are found in
    blocks of paragraphs, posting lists in ranges of shingle hashes (a
    shingle's whole posting list lies in one range), and pair counts are
    accumulated by :class:`_PairCounts`. Block sizes never change the result.
    """
    n = len(flat.lengths)
    lengths = np.where(active, flat.lengths, 0)
    # Inactive paragraphs keep their words in ``hashes`` but contribute no shingles.
    keep_words = np.repeat(active, flat.lengths)
    sh, shingle_counts = shingle_values(flat.hashes[keep_words], lengths, k)
    del keep_words
    by_paragraph, sizes, whole_dense_ids = _distinct_per_paragraph(sh, shingle_counts)
    del sh, shingle_counts
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sizes, out=start[1:])

    over_cap = np.zeros(n, dtype=np.int64)
    # Which of ``by_paragraph`` are over the cap: verification intersects only those.
    is_over_cap = np.zeros(len(by_paragraph), dtype=bool)
    pair_counts = _PairCounts(n, max(1, min(256, len(by_paragraph) // _BLOCK_SHINGLES + 1)))
    # Hash ranges by the top bits: about _BLOCK_SHINGLES shingles per range.
    range_bits = max(0, min(8, int(np.ceil(np.log2(max(1, len(by_paragraph)) / _BLOCK_SHINGLES)))))
    top = (by_paragraph >> np.uint64(64 - range_bits)).astype(np.uint8) if range_bits else None
    for hash_range in range(1 << range_bits):
        positions = np.flatnonzero(top == hash_range) if top is not None else np.arange(len(by_paragraph))
        owner = np.searchsorted(start, positions, side="right") - 1
        if top is None and whole_dense_ids is not None:
            # One range holding every shingle: the ids from the distinct step are these ids.
            dense = whole_dense_ids
        else:
            dense, _ = _dense_ids(by_paragraph[positions])
        # Posting lists: (shingle, position) sorted, i.e. grouped by shingle with
        # owners ascending inside a group (positions ascend with the owner).
        # One int64 sort instead of a stable sort of the hashes.
        bits = max(1, len(positions) - 1).bit_length()
        packed = np.sort((dense << bits) | np.arange(len(positions)))
        del dense
        group_of, local = packed >> bits, packed & ((1 << bits) - 1)
        del packed
        posting_owner, positions = owner[local], positions[local]
        del owner, local
        new_group = np.r_[True, group_of[1:] != group_of[:-1]] if len(group_of) else group_of.astype(bool)
        group_start = np.flatnonzero(new_group)
        group_size = np.diff(np.r_[group_start, len(group_of)]).astype(np.int64)
        del group_of
        over = np.repeat(group_size > DF_CAP, group_size)
        over_cap += np.bincount(posting_owner[over], minlength=n).astype(np.int64)
        is_over_cap[positions[over]] = True
        del over, positions
        _emit_pairs(pair_counts, posting_owner, group_start.astype(np.int64), group_size, n)
    del top, whole_dense_ids
    over_cap_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(over_cap, out=over_cap_start[1:])
    over_cap_shingles = by_paragraph[is_over_cap]
    del is_over_cap
    keys, counts = pair_counts.result()
    return ShingleIndex(
        k, by_paragraph, start, sizes, over_cap, over_cap_shingles, over_cap_start, keys, counts
    )


def _emit_pairs(
    pair_counts: _PairCounts, posting_owner: IntArray, group_start: IntArray, group_size: IntArray, n: int
) -> None:
    # Pairs inside each posting list, one vectorised batch per list length.
    n64 = np.uint64(n)
    pairable = np.flatnonzero((group_size >= 2) & (group_size <= DF_CAP))
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
            keys = members[:, upper_a].astype(np.uint64) * n64 + members[:, upper_b].astype(np.uint64)
            pair_counts.add(keys.ravel())


def index_candidates(index: ShingleIndex, flat: Flat, config: AuditConfig, partial: bool) -> IntArray:
    """Pairs (as ``a * n + b`` keys) that may reach a threshold, judged on the generous upper bound."""
    n = len(flat.lengths)
    found: list[IntArray] = []
    # In blocks of keys: the per-pair temporaries of all keys at once would
    # cost more than the keys themselves.
    for first in range(0, len(index.keys), _BLOCK_SHINGLES):
        keys = index.keys[first : first + _BLOCK_SHINGLES]
        counts = index.counts[first : first + _BLOCK_SHINGLES]
        a = (keys // np.uint64(n)).astype(np.int64)
        b = (keys % np.uint64(n)).astype(np.int64)
        bound = counts + np.minimum(index.over_cap[a], index.over_cap[b])
        size_a, size_b = index.sizes[a], index.sizes[b]
        smaller = np.minimum(size_a, size_b)
        if partial:
            ok = (bound >= config.partial * smaller - _EPS) & (bound >= MIN_PARTIAL_SHARED)
        else:
            near = bound * (1 + config.threshold) >= config.threshold * (size_a + size_b) - _EPS
            words_a, words_b = flat.lengths[a], flat.lengths[b]
            longer, shorter = np.maximum(words_a, words_b), np.minimum(words_a, words_b)
            ratio_ok = longer >= config.length_ratio * shorter - _EPS
            contained = (bound >= config.containment * smaller - _EPS) & ratio_ok
            ok = near | contained
        found.append(keys[ok].astype(np.int64))
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


# --------------------------------------------------------------------------
# MinHash LSH
# --------------------------------------------------------------------------


def lsh_probability(jaccard: float, bands: int, rows: int) -> float:
    """P(two sets of this Jaccard share a band) = 1 - (1 - J**r)**b: the LSH S-curve."""
    return 1.0 - (1.0 - jaccard**rows) ** bands


def lsh_params(threshold: float, num_perm: int, recall: float = LSH_RECALL) -> tuple[int, int]:
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


def signatures(index: ShingleIndex, paragraphs: IntArray, num_perm: int, seed: int) -> npt.NDArray[np.uint32]:
    """MinHash signatures (rows) of the given paragraphs' shingle sets, all at once.

    The same arithmetic as ``MinHash(num_perm, seed).update_batch`` with the
    affine32 scheme (fmix32, then ``a * h + b`` modulo 2**32, minimum per
    permutation), fed with :func:`fold32` of each shingle hash; blocks of
    shingles bound the temporary array. Paragraphs must have shingles.
    """
    a, b = permutations(num_perm, seed)
    out = np.empty((len(paragraphs), num_perm), dtype=np.uint32)
    starts, stops = index.start[paragraphs], index.start[paragraphs + 1]
    row = 0
    while row < len(paragraphs):
        # Take whole paragraphs until the block is full (at least one).
        limit = np.searchsorted(np.cumsum(stops[row:] - starts[row:]), _SIGNATURE_BLOCK, side="right")
        end = row + max(1, int(limit))
        positions = segments(starts[row:end], stops[row:end])
        mixed = _fmix32(fold32(index.by_paragraph[positions]))
        permuted = mixed[:, None] * a[None, :] + b[None, :]
        offsets = np.concatenate([[0], np.cumsum(stops[row:end] - starts[row:end])[:-1]])
        out[row:end] = np.minimum.reduceat(permuted, offsets, axis=0)
        row = end
    return out


@dataclass(slots=True)
class LshResult:
    keys: IntArray  # candidate pairs as a * n + b (a < b), sorted
    paragraphs: int  # paragraphs put into the LSH
    bands: int
    rows: int


def lsh_candidates(index: ShingleIndex, config: AuditConfig) -> LshResult:
    """Near-pair candidates among the paragraphs the capped index is blind for (see module doc)."""
    n = len(index.sizes)
    bands, rows = lsh_params(config.threshold, config.num_perm)
    blind = np.flatnonzero(
        (index.sizes > 0) & (index.over_cap >= config.threshold * index.sizes - _EPS) & (index.over_cap > 0)
    )
    if len(blind) < 2:
        return LshResult(np.zeros(0, dtype=np.int64), len(blind), bands, rows)
    rows_of = signatures(index, blind, config.num_perm, config.seed)
    lsh = MinHashLSH(num_perm=config.num_perm, params=(bands, rows))
    sketches = [
        LeanMinHash(seed=config.seed, hashvalues=rows_of[i], scheme=MINHASH_SCHEME) for i in range(len(blind))
    ]
    with lsh.insertion_session() as session:
        for g, sketch in zip(blind.tolist(), sketches, strict=True):
            session.insert(g, sketch, check_duplication=False)
    found: list[int] = []
    for g, sketch in zip(blind.tolist(), sketches, strict=True):
        found.extend(g * n + other for other in lsh.query(sketch) if other > g)
    keys = sorted_unique(np.array(found, dtype=np.int64))
    return LshResult(keys, len(blind), bands, rows)


def datasketch_stats(result: LshResult, config: AuditConfig) -> dict[str, object]:
    """What produced the candidates, for ``DedupResult.stats`` (export reads ``minhash_scheme``)."""
    return {
        "datasketch": datasketch.__version__,
        "minhash_scheme": MINHASH_SCHEME,
        "num_perm": config.num_perm,
        "minhash_seed": config.seed,
        "lsh_bands": result.bands,
        "lsh_rows": result.rows,
        "lsh_recall_at_threshold": round(lsh_probability(config.threshold, result.bands, result.rows), 6),
        "lsh_paragraphs": result.paragraphs,
        "lsh_candidates": len(result.keys),
    }
