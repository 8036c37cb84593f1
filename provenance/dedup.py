"""The duplicate stage: which paragraphs repeat each other, and how much of each post is borrowed.

Design (see ``/work/shared/REUSE.md`` for the why):

1. Every paragraph becomes a sequence of stable 64-bit word hashes
   (:mod:`provenance.shingle`), in worker processes when the dump is large.
2. Identical word sequences are grouped by a hash of the whole sequence:
   a text in at least ``boilerplate_posts`` posts is *boilerplate* (reported
   once, never paired); the other groups give the ``exact`` pairs.
3. Candidates come from an inverted index over hashed word shingles, built
   with numpy sorts, once on ``shingle_size`` words (``near``/``contained``)
   and once on ``partial_shingle_size`` words (``partial``). Counting the
   postings two paragraphs share gives their exact intersection, except for
   shingles found in more than a document-frequency cap of paragraphs
   (stock phrases), which are left out of the index as seed-and-extend tools
   do. Those dropped shingles only bound the count from above, so a
   candidate is kept whenever even the most generous bound reaches a
   threshold, and then verified exactly on the full shingle sets: every
   reported pair is exact (precision 1.0) and only pairs that share nothing
   but stock phrases can be missed.
4. Each pair gets a word alignment (``rapidfuzz`` Indel opcodes) with
   character offsets into both paragraphs' text.
5. Clusters are the connected components of the pairs; the earliest member
   is the earliest witness.
6. Post-level reuse is decided on passages, not on paragraph pairs: shared
   ``partial_shingle_size``-word shingles are seeds, seeds close together in
   both posts chain into passages, and a post's share is the part of its words
   inside passages shared with earlier posts (each word credited to the
   earliest post it is shared with).

"Earlier" everywhere means :func:`chronological_key`: dated posts by date,
undated posts after every dated one, ties by input order.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from hashlib import blake2b

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Indel

from provenance.config import AuditConfig
from provenance.models import (
    Boilerplate,
    Cluster,
    DedupResult,
    Pair,
    PairKind,
    ParagraphRef,
    Post,
    PostReuse,
    ReuseSource,
    Segment,
)
from provenance.shingle import shingle_hashes, tokens, word_hashes

__all__ = [
    "DF_CAP",
    "MAX_SEED_GAP",
    "MIN_PARTIAL_SHARED",
    "MIN_PASSAGE_WORDS",
    "MIN_SEEDS",
    "align",
    "chronological_key",
    "find_duplicates",
]

Progress = Callable[[str, int, int | None], None]
IntArray = npt.NDArray[np.int64]
HashArray = npt.NDArray[np.uint64]

# A shingle found in more paragraphs than this is a stock phrase: it is left
# out of the candidate index (it still counts in exact verification). Pair
# generation costs cap**2 per shingle, so the cap bounds the work.
DF_CAP = 64
# A ``partial`` pair must share at least this many distinct
# partial_shingle_size-word shingles (4 three-word shingles = a 6-word run at
# least): a 0.3 share of a 5-word paragraph is one shared phrase, not reuse.
MIN_PARTIAL_SHARED = 4
# Post-level reuse is measured on passages (see _passages): seeds are shared
# partial_shingle_size-word shingles; a seed at most MAX_SEED_GAP words after
# the previous one in both posts extends the passage; a passage needs
# MIN_SEEDS seeds and MIN_PASSAGE_WORDS words. Chosen on the Clough &
# Stevenson corpus as a whole (benchmarks/clough.py --sweep).
MAX_SEED_GAP = 8
MIN_SEEDS = 2
MIN_PASSAGE_WORDS = 8
# A shingle found more often than this in the other post anchors nothing.
MAX_SEED_REPEATS = 4
# Below this many paragraphs, worker processes cost more than they save.
PARALLEL_MIN_PARAGRAPHS = 20_000
_CHUNK = 4_000
# Flush emitted pair keys into counts when this many are pending (memory bound).
_PENDING_KEYS = 8_000_000


def chronological_key(posts: Sequence[Post]) -> dict[str, tuple[int, int, int]]:
    """Sort key of each post id for "earlier": by date, undated after dated, then input order.

    Graph code uses the same key to decide which of two posts is the source.
    """
    return {
        post.id: (0, post.date.toordinal(), index) if post.date is not None else (1, 0, index)
        for index, post in enumerate(posts)
    }


def _hash_texts(texts: list[str]) -> tuple[IntArray, HashArray]:
    arrays = [word_hashes(text) for text in texts]
    lengths = np.array([a.shape[0] for a in arrays], dtype=np.int64)
    hashes = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.uint64)
    return lengths, hashes


@dataclass(slots=True)
class _Flat:
    """All paragraphs of the dump as flat arrays, indexed by a global paragraph number."""

    refs: list[ParagraphRef]
    texts: list[str]
    post_of: IntArray  # index in ``posts`` of each paragraph's post
    lengths: IntArray  # words per paragraph
    word_start: IntArray  # offset of each paragraph's first word in ``hashes``
    hashes: HashArray  # every paragraph's word hashes, concatenated


def _flatten(posts: Sequence[Post], config: AuditConfig, progress: Progress | None) -> _Flat:
    refs: list[ParagraphRef] = []
    texts: list[str] = []
    post_of: list[int] = []
    for index, post in enumerate(posts):
        for paragraph in post.paragraphs:
            refs.append(ParagraphRef(post.id, paragraph.index))
            texts.append(paragraph.text)
            post_of.append(index)
    chunks = [texts[i : i + _CHUNK] for i in range(0, len(texts), _CHUNK)]
    results: list[tuple[IntArray, HashArray]] = []
    workers = min(config.workers, len(chunks))
    if len(texts) >= PARALLEL_MIN_PARAGRAPHS and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for done, result in enumerate(pool.map(_hash_texts, chunks), 1):
                results.append(result)
                if progress:
                    progress("dedup: hashing words", min(done * _CHUNK, len(texts)), len(texts))
    else:
        for done, chunk in enumerate(chunks, 1):
            results.append(_hash_texts(chunk))
            if progress and len(chunks) > 1:
                progress("dedup: hashing words", min(done * _CHUNK, len(texts)), len(texts))
    lengths = np.concatenate([r[0] for r in results]) if results else np.zeros(0, dtype=np.int64)
    hashes = np.concatenate([r[1] for r in results]) if results else np.zeros(0, dtype=np.uint64)
    word_start = np.zeros(len(lengths), dtype=np.int64)
    if len(lengths) > 1:
        np.cumsum(lengths[:-1], out=word_start[1:])
    return _Flat(refs, texts, np.array(post_of, dtype=np.int64), lengths, word_start, hashes)


@dataclass(slots=True)
class _Index:
    """One shingle size: each paragraph's distinct shingles and the capped pair counts."""

    k: int
    by_paragraph: HashArray  # distinct shingles, grouped by paragraph, sorted inside
    start: IntArray  # slice of ``by_paragraph`` per paragraph (length n + 1)
    sizes: IntArray  # distinct shingles per paragraph
    over_cap: IntArray  # how many of a paragraph's shingles were left out of the index
    keys: npt.NDArray[np.uint64]  # a * n + b for every pair sharing an indexed shingle, sorted
    counts: IntArray  # how many indexed shingles each pair shares

    def shingles_of(self, g: int) -> HashArray:
        return self.by_paragraph[self.start[g] : self.start[g + 1]]

    def shared(self, a: IntArray, b: IntArray, n: int) -> IntArray:
        """Exact numbers of distinct shingles shared by paragraphs ``a[i]`` and ``b[i]``."""
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        wanted = lo.astype(np.uint64) * np.uint64(n) + hi.astype(np.uint64)
        pos = np.searchsorted(self.keys, wanted)
        pos_clipped = np.minimum(pos, max(len(self.keys) - 1, 0))
        found = (
            (pos < len(self.keys)) & (self.keys[pos_clipped] == wanted)
            if len(self.keys)
            else np.zeros(len(a), dtype=bool)
        )
        result = np.where(found, self.counts[pos_clipped] if len(self.keys) else 0, 0).astype(np.int64)
        # Only pairs where both sides lost shingles to the cap can share more
        # than the index counted.
        for i in np.flatnonzero((self.over_cap[lo] > 0) & (self.over_cap[hi] > 0)):
            result[i] = np.intersect1d(
                self.shingles_of(int(lo[i])), self.shingles_of(int(hi[i])), assume_unique=True
            ).shape[0]
        return result


def _merge_counts(
    parts: list[tuple[npt.NDArray[np.uint64], IntArray]],
) -> tuple[npt.NDArray[np.uint64], IntArray]:
    if not parts:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    if len(parts) == 1:
        return parts[0]
    keys = np.concatenate([p[0] for p in parts])
    counts = np.concatenate([p[1] for p in parts])
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.int64)


def _build_index(flat: _Flat, active: npt.NDArray[np.bool_], k: int) -> _Index:
    n = len(flat.lengths)
    lengths = np.where(active, flat.lengths, 0)
    # Inactive paragraphs keep their words in ``hashes`` but contribute no shingles.
    keep_words = np.repeat(active, flat.lengths)
    sh, owner = shingle_hashes(flat.hashes[keep_words], lengths, k)
    # Distinct shingles per paragraph, sorted inside each paragraph.
    order = np.lexsort((sh, owner))
    sh, owner = sh[order], owner[order]
    distinct = np.ones(len(sh), dtype=bool)
    distinct[1:] = (sh[1:] != sh[:-1]) | (owner[1:] != owner[:-1])
    sh, owner = sh[distinct], owner[distinct]
    sizes = np.bincount(owner, minlength=n).astype(np.int64)
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sizes, out=start[1:])

    # Postings grouped by shingle; owners ascend inside a group (stable sort).
    by_shingle = np.argsort(sh, kind="stable")
    posting_sh, posting_owner = sh[by_shingle], owner[by_shingle]
    del by_shingle
    group_start = (
        np.flatnonzero(np.r_[True, posting_sh[1:] != posting_sh[:-1]])
        if len(sh)
        else np.zeros(0, dtype=np.int64)
    )
    group_size = np.diff(np.r_[group_start, len(posting_sh)])
    del posting_sh
    over = np.repeat(group_size > DF_CAP, group_size)
    over_cap = np.bincount(posting_owner[over], minlength=n).astype(np.int64)

    parts: list[tuple[npt.NDArray[np.uint64], IntArray]] = []
    pending: list[npt.NDArray[np.uint64]] = []
    pending_size = 0
    n64 = np.uint64(n)
    for size in np.unique(group_size[(group_size >= 2) & (group_size <= DF_CAP)]):
        size = int(size)
        starts = group_start[group_size == size]
        upper_a, upper_b = np.triu_indices(size, 1)
        # Bounded batches of groups keep the emitted key arrays small.
        step = max(1, _PENDING_KEYS // len(upper_a))
        for i in range(0, len(starts), step):
            members = posting_owner[starts[i : i + step, None] + np.arange(size)]
            keys = members[:, upper_a].astype(np.uint64) * n64 + members[:, upper_b].astype(np.uint64)
            pending.append(keys.ravel())
            pending_size += keys.size
            if pending_size >= _PENDING_KEYS:
                parts.append(np.unique(np.concatenate(pending), return_counts=True))
                pending, pending_size = [], 0
    if pending:
        parts.append(np.unique(np.concatenate(pending), return_counts=True))
    keys, counts = _merge_counts([(p[0], p[1].astype(np.int64)) for p in parts])
    return _Index(k, sh, start, sizes, over_cap, keys, counts)


def _candidates(index: _Index, n: int, flat: _Flat, config: AuditConfig, partial: bool) -> IntArray:
    """Pairs (as ``a * n + b`` keys) that may reach a threshold, judged on the generous upper bound."""
    keys = index.keys
    a = (keys // np.uint64(n)).astype(np.int64)
    b = (keys % np.uint64(n)).astype(np.int64)
    bound = index.counts + np.minimum(index.over_cap[a], index.over_cap[b])
    size_a, size_b = index.sizes[a], index.sizes[b]
    smaller = np.minimum(size_a, size_b)
    eps = 1e-9
    if partial:
        ok = (bound >= config.partial * smaller - eps) & (bound >= MIN_PARTIAL_SHARED)
    else:
        near = bound * (1 + config.threshold) >= config.threshold * (size_a + size_b) - eps
        words_a, words_b = flat.lengths[a], flat.lengths[b]
        ratio_ok = np.maximum(words_a, words_b) >= config.length_ratio * np.minimum(words_a, words_b) - eps
        contained = (bound >= config.containment * smaller - eps) & ratio_ok
        ok = near | contained
    return keys[ok].astype(np.int64)


def _sequence_hash(hashes: HashArray) -> bytes:
    return blake2b(hashes.tobytes(), digest_size=16).digest()


def align(text_a: str, text_b: str) -> tuple[Segment, ...]:
    """Word alignment of two texts with character offsets into each.

    ``equal`` segments are runs of shared normalised words (longest common
    subsequence, rapidfuzz ``Indel``); a deletion next to an insertion is
    reported as one ``replace``. Offsets are half-open; an empty side sits at
    the position where the other side's words would go.
    """
    tok_a, tok_b = tokens(text_a), tokens(text_b)
    words_a, words_b = [t.word for t in tok_a], [t.word for t in tok_b]

    def span(toks: list, i: int, j: int, text: str) -> tuple[int, int]:
        if i < j:
            return toks[i].start, toks[j - 1].end
        at = toks[i].start if i < len(toks) else (toks[-1].end if toks else len(text))
        return at, at

    raw: list[tuple[str, int, int, int, int]] = []
    for op in Indel.opcodes(words_a, words_b):
        tag = op.tag
        if raw and {raw[-1][0], tag} == {"delete", "insert"}:
            prev = raw.pop()
            raw.append(("replace", prev[1], op.src_end, prev[3], op.dest_end))
            continue
        raw.append((tag, op.src_start, op.src_end, op.dest_start, op.dest_end))
    segments = []
    for tag, i1, i2, j1, j2 in raw:
        a_start, a_end = span(tok_a, i1, i2, text_a)
        b_start, b_end = span(tok_b, j1, j2, text_b)
        segments.append(Segment(tag, a_start, a_end, b_start, b_end))  # type: ignore[arg-type]
    return tuple(segments)


def find_duplicates(
    posts: Sequence[Post],
    config: AuditConfig,
    progress: Progress | None = None,
) -> DedupResult:
    """Find every repeated paragraph pair, their clusters, boilerplate and each post's borrowed share.

    Pairs are sorted by ``a`` then ``b`` in input order (post position in
    ``posts``, then paragraph index). ``reuse`` has an entry for every post.
    """
    stats: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stats[f"seconds_{name}"] = round(now - clock, 4)
        clock = now

    order = chronological_key(posts)
    flat = _flatten(posts, config, progress)
    n = len(flat.refs)
    stats["paragraphs"] = n
    stats["words"] = int(flat.lengths.sum())
    stats["workers"] = config.workers if n >= PARALLEL_MIN_PARAGRAPHS else 1
    lap("hashing")

    # Identical word sequences: boilerplate when widespread, else exact pairs.
    groups: dict[bytes, list[int]] = defaultdict(list)
    for g in np.flatnonzero(flat.lengths > 0):
        start = flat.word_start[g]
        groups[_sequence_hash(flat.hashes[start : start + flat.lengths[g]])].append(int(g))
    active = flat.lengths > 0
    boilerplate: list[Boilerplate] = []
    exact_keys: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        member_posts = {int(flat.post_of[g]) for g in members}
        if len(member_posts) >= config.boilerplate_posts:
            active[members] = False
            earliest = min(members, key=lambda g: (order[flat.refs[g].post], flat.refs[g].paragraph))
            boilerplate.append(
                Boilerplate(
                    text=flat.texts[earliest],
                    posts=len(member_posts),
                    members=tuple(sorted((flat.refs[g] for g in members), key=_ref_key(posts))),
                )
            )
            continue
        for i, ga in enumerate(members):
            for gb in members[i + 1 :]:
                exact_keys.add(ga * n + gb)
    del groups
    boilerplate.sort(key=lambda bp: (-bp.posts, bp.text))
    stats["boilerplate"] = len(boilerplate)
    lap("exact")

    if progress:
        progress("dedup: indexing shingles", 0, 2)
    index_k = _build_index(flat, active, config.shingle_size)
    if progress:
        progress("dedup: indexing shingles", 1, 2)
    index_p = _build_index(flat, active, config.partial_shingle_size)
    if progress:
        progress("dedup: indexing shingles", 2, 2)
    lap("index")

    candidate_keys = np.union1d(
        _candidates(index_k, n, flat, config, partial=False),
        _candidates(index_p, n, flat, config, partial=True),
    )
    if exact_keys:
        candidate_keys = np.setdiff1d(candidate_keys, np.fromiter(exact_keys, dtype=np.int64))
    stats["candidates"] = len(candidate_keys) + len(exact_keys)
    a = candidate_keys // n
    b = candidate_keys % n
    shared_k = index_k.shared(a, b, n)
    shared_p = index_p.shared(a, b, n)
    stats["verified"] = len(candidate_keys)
    lap("verify")

    found: list[tuple[int, int, PairKind, float, float]] = []
    for key in sorted(exact_keys):
        found.append((key // n, key % n, "exact", 1.0, 1.0))
    size_a, size_b = index_k.sizes[a], index_k.sizes[b]
    union = size_a + size_b - shared_k
    jaccard = np.where(union > 0, shared_k / np.maximum(union, 1), 0.0)
    containment = np.where(
        np.minimum(size_a, size_b) > 0, shared_k / np.maximum(np.minimum(size_a, size_b), 1), 0.0
    )
    smaller_p = np.minimum(index_p.sizes[a], index_p.sizes[b])
    containment_p = np.where(smaller_p > 0, shared_p / np.maximum(smaller_p, 1), 0.0)
    words_a, words_b = flat.lengths[a], flat.lengths[b]
    ratio_ok = np.maximum(words_a, words_b) >= config.length_ratio * np.minimum(words_a, words_b)
    eps = 1e-9
    is_contained = (containment >= config.containment - eps) & ratio_ok
    is_near = ~is_contained & (jaccard >= config.threshold - eps)
    is_partial = (
        ~is_contained & ~is_near & (containment_p >= config.partial - eps) & (shared_p >= MIN_PARTIAL_SHARED)
    )
    for c in np.flatnonzero(is_contained | is_near | is_partial).tolist():
        kind: PairKind = "contained" if is_contained[c] else ("near" if is_near[c] else "partial")
        found.append((int(a[c]), int(b[c]), kind, float(jaccard[c]), float(containment[c])))
    stats["pairs"] = len(found)
    lap("classify")

    pairs = _make_pairs(found, flat, posts)
    lap("align")
    clusters = _clusters(pairs, posts)
    reuse = _post_reuse(posts, flat, active, index_p, order, exact_keys, config)
    lap("reuse")
    stats["seconds_total"] = round(sum(v for k, v in stats.items() if k.startswith("seconds_")), 4)
    return DedupResult(pairs=pairs, clusters=clusters, reuse=reuse, boilerplate=boilerplate, stats=stats)


def _ref_key(posts: Sequence[Post]) -> Callable[[ParagraphRef], tuple[int, int]]:
    position = {post.id: index for index, post in enumerate(posts)}
    return lambda ref: (position[ref.post], ref.paragraph)


def _make_pairs(
    found: list[tuple[int, int, PairKind, float, float]], flat: _Flat, posts: Sequence[Post]
) -> list[Pair]:
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
    key = _ref_key(posts)
    pairs.sort(key=lambda p: (key(p.a), key(p.b)))
    return pairs


def _clusters(pairs: list[Pair], posts: Sequence[Post]) -> list[Cluster]:
    parent: dict[ParagraphRef, ParagraphRef] = {}

    def find(x: ParagraphRef) -> ParagraphRef:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for pair in pairs:
        ra, rb = find(pair.a), find(pair.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[ParagraphRef, list[ParagraphRef]] = defaultdict(list)
    kinds: dict[ParagraphRef, set[str]] = defaultdict(set)
    for ref in parent:
        members[find(ref)].append(ref)
    for pair in pairs:
        kinds[find(pair.a)].add(pair.kind)
    key = _ref_key(posts)
    when = chronological_key(posts)
    ordered = sorted((sorted(m, key=key) for m in members.values()), key=lambda m: key(m[0]))
    return [
        Cluster(
            id=i,
            members=tuple(m),
            earliest=min(m, key=lambda r: (when[r.post], r.paragraph)),
            kinds=tuple(sorted(kinds[find(m[0])])),
        )
        for i, m in enumerate(ordered)
    ]


def _derivation(share: float, config: AuditConfig) -> str:
    if share >= config.wholly:
        return "wholly"
    if share >= config.partially:
        return "partially"
    return "independent"


def _post_reuse(
    posts: Sequence[Post],
    flat: _Flat,
    active: npt.NDArray[np.bool_],
    index: _Index,
    order: dict[str, tuple[int, int, int]],
    exact_keys: set[int],
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
    for key in exact_keys:
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
            derivation=_derivation(share, config),  # type: ignore[arg-type]
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


def _post_shingles(flat: _Flat, members: list[int], k: int) -> _PostShingles:
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
    ``MIN_SEEDS`` seeds and covers at least ``MIN_PASSAGE_WORDS`` words; it
    covers every word from its first seed to the end of its last.
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
    # Each chain: [first_i, end_i, last_i, last_j, seeds]
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
            open_chains.append([i, i + width, i, j, 1])
        else:
            best[1] = max(best[1], i + width)
            best[2], best[3] = i, j
            best[4] += 1
    for first, end, _last_i, _last_j, count in done + open_chains:
        if count >= MIN_SEEDS and end - first >= MIN_PASSAGE_WORDS:
            covered[first:end] = True
    return covered
