"""Exact all-pairs similarity by an inverted index over word shingles: the reference.

MinHash LSH only proposes candidates, so its recall has to be measured against
something that misses nothing. This module finds every pair of paragraphs that
share at least one shingle and computes their exact shingle-set Jaccard and
containment, with the same normalised words and shingle hashes as the tool
(:mod:`provenance.shingle`), so a difference between the two is a miss of the
tool and never a difference of tokenisation.

It is exact but quadratic in the size of each posting list; shingles shared by
very many paragraphs (stock phrases) dominate its cost. Pairs are counted in
blocks of paragraphs so memory stays bounded when that cost is large. Paragraphs whose whole
text is repeated in ``boilerplate_posts`` or more posts are set aside first and
reported as boilerplate, as the tool does, instead of as thousands of pairs.

Usage as a script prints how many pairs fall in each similarity band::

    python benchmarks/exact_pairs.py benchmarks/out/10k/dump.txt
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from provenance.shingle import shingle_hashes, word_hashes

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ShingleSets:
    """The distinct shingles of every paragraph, as a sorted (owner, hash) table.

    ``owner``/``hashes`` hold one row per distinct shingle of a paragraph,
    sorted by hash then owner; ``sizes[i]`` is the number of distinct shingles
    of paragraph ``i`` (0 for an empty one).
    """

    owner: IntArray
    hashes: npt.NDArray[np.uint64]
    sizes: IntArray
    k: int


def paragraph_word_hashes(texts: Sequence[str]) -> tuple[npt.NDArray[np.uint64], IntArray]:
    """All paragraphs' normalised word hashes concatenated, and each paragraph's word count."""
    arrays = [word_hashes(t) for t in texts]
    lengths = np.fromiter((a.shape[0] for a in arrays), dtype=np.int64, count=len(arrays))
    hashes = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.uint64)
    return hashes, lengths


def shingle_sets(hashes: npt.NDArray[np.uint64], lengths: IntArray, k: int) -> ShingleSets:
    """Distinct k-word shingles per paragraph, from :func:`paragraph_word_hashes`."""
    shingles, owner = shingle_hashes(hashes, lengths, k)
    # Sorting by (hash, owner) puts each posting list together and lets the
    # duplicate rows of one paragraph be dropped in the same pass.
    order = np.lexsort((owner, shingles))
    shingles, owner = shingles[order], owner[order]
    keep = np.ones(shingles.shape[0], dtype=bool)
    keep[1:] = (shingles[1:] != shingles[:-1]) | (owner[1:] != owner[:-1])
    shingles, owner = shingles[keep], owner[keep]
    sizes = np.bincount(owner, minlength=len(lengths)).astype(np.int64)
    return ShingleSets(owner, shingles, sizes, k)


def text_hashes(hashes: npt.NDArray[np.uint64], lengths: IntArray) -> npt.NDArray[np.uint64]:
    """One hash per paragraph of its whole normalised word sequence (0 for an empty one)."""
    text_hash = np.zeros(len(lengths), dtype=np.uint64)
    if len(lengths) and (lengths > 0).any():
        whole, owner = shingle_hashes(hashes, lengths, int(lengths.max()))
        # With k = the longest paragraph every paragraph is one shingle.
        text_hash[owner] = whole
    return text_hash


def boilerplate_mask(
    hashes: npt.NDArray[np.uint64],
    lengths: IntArray,
    post_of: IntArray,
    boilerplate_posts: int,
    boilerplate_repeats: int = 20,
) -> npt.NDArray[np.bool_]:
    """True for paragraphs whose normalised text occurs in ``boilerplate_posts`` or more posts,
    or ``boilerplate_repeats`` or more times inside one post."""
    n = len(lengths)
    if n == 0:
        return np.zeros(0, dtype=bool)
    text_hash = text_hashes(hashes, lengths)
    nonempty = lengths > 0
    order = np.lexsort((post_of, text_hash))
    th, po = text_hash[order], post_of[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = th[1:] != th[:-1]
    new_post = new_group.copy()
    new_post[1:] |= po[1:] != po[:-1]
    group = np.cumsum(new_group) - 1
    posts_per_group = np.bincount(group, weights=new_post.astype(np.float64))
    # Occurrences of the text in each post: runs of one (text, post).
    run = np.cumsum(new_post) - 1
    per_post = np.bincount(run)
    most_in_a_post = np.zeros(len(posts_per_group), dtype=np.int64)
    np.maximum.at(most_in_a_post, group, per_post[run])
    mask = np.zeros(n, dtype=bool)
    mask[order] = (
        (posts_per_group[group] >= boilerplate_posts) | (most_in_a_post[group] >= boilerplate_repeats)
    ) & nonempty[order]
    return mask


def first_in_post(hashes: npt.NDArray[np.uint64], lengths: IntArray, post_of: IntArray) -> IntArray:
    """For each paragraph, the first paragraph of its post with the same normalised text (itself if none).

    The tool pairs a text's later occurrences in one post with its first
    there, and only the first with other texts: a pair of the reference is
    found when the tool has the pair of the paragraphs standing for its two sides.
    """
    n = len(lengths)
    text_hash = text_hashes(hashes, lengths)
    order = np.lexsort((np.arange(n), post_of, text_hash))
    th, po = text_hash[order], post_of[order]
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = (th[1:] != th[:-1]) | (po[1:] != po[:-1])
    new_run |= lengths[order] == 0
    run_first = order[np.flatnonzero(new_run)]
    stands = np.empty(n, dtype=np.int64)
    stands[order] = run_first[np.cumsum(new_run) - 1]
    return stands


def _blocks(owner: IntArray, emits: IntArray, n: int, block_emitted: int) -> list[tuple[int, int]]:
    """Contiguous paragraph ranges whose rows emit at most about ``block_emitted`` pairs each."""
    per_paragraph = np.bincount(owner, weights=emits, minlength=n)
    cumulative = np.cumsum(per_paragraph)
    bounds = [0]
    while bounds[-1] < n:
        done = cumulative[bounds[-1] - 1] if bounds[-1] else 0.0
        # At least one paragraph per block, however many pairs it alone emits.
        nxt = int(np.searchsorted(cumulative, done + block_emitted, side="right"))
        bounds.append(max(nxt, bounds[-1] + 1))
    return list(itertools.pairwise(bounds))


def iter_shared_counts(
    sets: ShingleSets, exclude: npt.NDArray[np.bool_] | None = None, block_emitted: int = 30_000_000
) -> Iterator[tuple[IntArray, IntArray, IntArray]]:
    """Every pair ``i < j`` sharing a shingle, with the number of shingles they share, in blocks of ``i``.

    Each row of a posting list pairs with the rows after it; the rows whose
    paragraph falls in one block of ``i`` emit their pairs, which are counted
    with one ``np.unique``. Blocks keep memory near ``block_emitted`` pairs
    however many pairs the whole dump has: 3-word shingles of common words
    make posting lists of thousands.
    """
    owner, hashes = sets.owner, sets.hashes
    if exclude is not None and exclude.any():
        keep = ~exclude[owner]
        owner, hashes = owner[keep], hashes[keep]
    n_rows = hashes.shape[0]
    if n_rows == 0:
        return
    n = int(sets.sizes.shape[0])
    start = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    size = np.diff(np.r_[start, n_rows])
    group_end = np.repeat(start + size, size)  # one past the last row of each row's posting list
    emits = group_end - np.arange(n_rows) - 1  # rows after this one in its list
    for low, high in _blocks(owner, emits, n, block_emitted):
        rows = np.flatnonzero((owner >= low) & (owner < high) & (emits > 0))
        if rows.size == 0:
            continue
        counts = emits[rows]
        # Partner rows r+1 .. group_end-1 of each selected row r, flattened.
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        partners = np.repeat(rows + 1, counts) + offsets
        left, right = np.repeat(owner[rows], counts), owner[partners]
        codes = np.minimum(left, right) * n + np.maximum(left, right)
        del offsets, partners, left, right
        pair_codes, shared = np.unique(codes, return_counts=True)
        yield pair_codes // n, pair_codes % n, shared.astype(np.int64)


@dataclass(frozen=True, slots=True)
class ExactPairs:
    """Pairs ``(i, j)``, ``i < j`` paragraph indices, with exact set similarities.

    ``containment`` is shared / size of the smaller set, ``ratio`` the larger
    set's size over the smaller's.
    """

    i: IntArray
    j: IntArray
    shared: IntArray
    jaccard: FloatArray
    containment: FloatArray
    ratio: FloatArray

    def __len__(self) -> int:
        return int(self.i.shape[0])

    def select(self, mask: npt.NDArray[np.bool_]) -> ExactPairs:
        return ExactPairs(
            self.i[mask],
            self.j[mask],
            self.shared[mask],
            self.jaccard[mask],
            self.containment[mask],
            self.ratio[mask],
        )

    def as_dict(self) -> dict[tuple[int, int], tuple[float, float]]:
        """``(i, j) -> (jaccard, containment)``."""
        return {
            (int(a), int(b)): (float(jac), float(con))
            for a, b, jac, con in zip(self.i, self.j, self.jaccard, self.containment, strict=True)
        }


def exact_pairs(
    sets: ShingleSets,
    min_similarity: float = 0.3,
    exclude: npt.NDArray[np.bool_] | None = None,
    block_emitted: int = 30_000_000,
) -> ExactPairs:
    """Every pair whose exact Jaccard or containment is at least ``min_similarity``, sorted."""
    parts: list[tuple[npt.NDArray[np.generic], ...]] = []
    for i, j, shared in iter_shared_counts(sets, exclude, block_emitted):
        a, b = sets.sizes[i], sets.sizes[j]
        smaller = np.minimum(a, b)
        jaccard = shared / (a + b - shared)
        containment = shared / smaller
        keep = np.maximum(jaccard, containment) >= min_similarity
        parts.append(
            (
                i[keep],
                j[keep],
                shared[keep],
                jaccard[keep],
                containment[keep],
                (np.maximum(a, b) / smaller)[keep],
            )
        )
    if not parts:
        empty_i, empty_f = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        return ExactPairs(empty_i, empty_i, empty_i, empty_f, empty_f, empty_f)
    i, j, shared, jaccard, containment, ratio = (
        np.concatenate(column) for column in zip(*parts, strict=True)
    )
    # Blocks are by the smaller index already; sort within to give one order.
    order = np.lexsort((j, i))
    return ExactPairs(i[order], j[order], shared[order], jaccard[order], containment[order], ratio[order])


def pair_similarity(
    sets: ShingleSets, index: dict[int, npt.NDArray[np.uint64]], i: int, j: int
) -> tuple[float, float]:
    """Exact (jaccard, containment) of two paragraphs from their shingle arrays in ``index``."""
    a, b = index.get(i), index.get(j)
    if a is None or b is None or a.shape[0] == 0 or b.shape[0] == 0:
        return 0.0, 0.0
    shared = np.intersect1d(a, b, assume_unique=True).shape[0]
    return shared / (a.shape[0] + b.shape[0] - shared), shared / min(a.shape[0], b.shape[0])


def shingles_by_paragraph(sets: ShingleSets, wanted: Sequence[int]) -> dict[int, npt.NDArray[np.uint64]]:
    """The sorted distinct shingles of the paragraphs in ``wanted``."""
    wanted_mask = np.zeros(sets.sizes.shape[0], dtype=bool)
    wanted_mask[np.asarray(list(wanted), dtype=np.int64)] = True
    rows = np.flatnonzero(wanted_mask[sets.owner])
    owner, hashes = sets.owner[rows], sets.hashes[rows]
    order = np.lexsort((hashes, owner))
    owner, hashes = owner[order], hashes[order]
    cuts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if owner.size else np.empty(0, dtype=np.int64)
    bounds = np.r_[cuts, owner.shape[0]]
    return {int(owner[s]): hashes[s:e] for s, e in itertools.pairwise(bounds)}


BANDS = ((0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.0), (1.0, 1.0))


def band_of(similarity: float) -> str:
    """The label of the similarity band ``similarity`` falls in ("<0.3" below the first)."""
    for low, high in BANDS:
        if low == high == similarity or low <= similarity < high:
            return band_label(low, high)
    return "<0.3"


def band_label(low: float, high: float) -> str:
    return "1.0" if low == high else f"{low:.1f}-{high:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="dump files or folders")
    parser.add_argument("-k", type=int, default=5, help="words per shingle (default 5)")
    parser.add_argument("--boilerplate-posts", type=int, default=20)
    args = parser.parse_args(argv)
    from provenance.config import AuditConfig
    from provenance.ingest import read_corpus

    corpus = read_corpus(args.paths, AuditConfig())
    texts = [p.text for post in corpus.posts for p in post.paragraphs]
    post_of = np.repeat(np.arange(len(corpus.posts)), [len(p.paragraphs) for p in corpus.posts])
    started = time.perf_counter()
    hashes, lengths = paragraph_word_hashes(texts)
    sets = shingle_sets(hashes, lengths, args.k)
    excluded = boilerplate_mask(hashes, lengths, post_of, args.boilerplate_posts)
    pairs = exact_pairs(sets, exclude=excluded)
    seconds = time.perf_counter() - started
    best = np.maximum(pairs.jaccard, pairs.containment)
    print(
        f"{len(texts)} paragraphs, {int(excluded.sum())} boilerplate, {len(pairs)} pairs in {seconds:.2f} s"
    )
    for low, high in BANDS:
        inside = (best == 1.0) if low == high else (best >= low) & (best < high)
        print(f"  max(J, C) {band_label(low, high):>8}: {int(inside.sum())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
