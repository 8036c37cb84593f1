"""Post-level reuse: how much of each post lies in passages shared with earlier posts.

Decided on passages, not on paragraph pairs (seed and extend, as passim and
BLAST-for-text do), and computed for the whole dump at once with numpy sorts.
The cut-offs are :class:`PassageRules`, fields of ``AuditConfig`` recorded in
audit.json's ``params``; why each has its value, and what the verdict does
with the result, is in ``docs/verdicts.md``.

1. Every post is one stream of words (its non-boilerplate paragraphs in
   reading order), so a passage that a copy merges into one paragraph or
   splits over two still lines up word for word.
2. Every ``k``-word shingle of a stream is a possible *anchor*. A shingle
   found in more than ``stock_posts`` posts is a stock phrase and anchors
   nothing; inside one post only its first ``repeats`` occurrences count (a
   phrase a post repeats everywhere would otherwise multiply anchors).
3. Two occurrences of one shingle in different posts make an anchor from the
   later post to the earlier, where one is earlier *by evidence*
   (:mod:`provenance.dedup.order`): posts of one day with nothing else to
   order them (contemporaries) make no anchor, so they never borrow from
   each other. Repetition inside a post never makes an anchor.
4. Anchors of one post pair on one *diagonal* (same offset between the two
   word positions) chain when each starts at most ``chain_gap`` words after
   the previous one: a copy with a word changed every few words stays one
   chain, while names and stock phrases that two independent texts share
   fall on unrelated diagonals. A chain counts when it has at least
   ``min_anchors`` anchors; an inserted or deleted word moves the rest of a
   passage to the next diagonal, which starts a chain of its own.
5. A word is borrowed when an anchor of a kept chain covers it, or when it
   lies in a gap of at most ``fill_gap`` words between two consecutive anchors
   of a kept chain (the changed word in a copy is still inside the shared
   span; a longer gap is not). A span must hold ``min_content_words`` words
   that are not function words: "on the west side of the" is a phrase any
   two reports share. Each borrowed word is credited to the earliest post
   covering it, so a post's share is split exactly among its sources.
6. A borrowed word inside a quotation (:mod:`provenance.quotes`) that its
   source quotes too is a shared quotation, counted apart
   (``quoted_share``): independent reports quote the same people.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from provenance.config import AuditConfig
from provenance.dedup import buckets
from provenance.dedup.buckets import KeyBuckets
from provenance.dedup.candidates import posting_order
from provenance.dedup.flat import Flat, HashArray, IntArray, segments, sorted_unique_counts
from provenance.dedup.order import EVIDENCE, UNDECIDED, Chronology
from provenance.models import Derivation, Post, PostReuse, ReuseSource
from provenance.shingle import FUNCTION_WORDS, shingle_hashes, word_hash


@dataclass(frozen=True, slots=True)
class PassageRules:
    """The passage finder's cut-offs, from :class:`~provenance.config.AuditConfig` (see the module doc).

    ``k`` words per anchor shingle (``partial_shingle_size``); a shingle in
    more than ``stock_posts`` posts is a stock phrase and anchors nothing
    (the pair work per shingle grows with the square of its posts, so the cap
    bounds it too); only the first ``repeats`` occurrences of a shingle in a
    post anchor; consecutive anchors on one diagonal chain when the later
    starts at most ``chain_gap`` words after the earlier; a kept chain needs
    ``min_anchors`` anchors, and a kept span ``min_content_words`` words that
    are not function words; up to ``fill_gap`` words between the spans of two
    consecutive anchors of a kept chain count as borrowed.
    """

    k: int
    stock_posts: int
    repeats: int
    chain_gap: int
    min_anchors: int
    fill_gap: int
    min_content_words: int

    @classmethod
    def of(cls, config: AuditConfig) -> PassageRules:
        return cls(
            k=config.partial_shingle_size,
            stock_posts=config.stock_phrase_posts,
            repeats=config.anchor_repeats,
            chain_gap=config.chain_gap,
            min_anchors=config.min_anchors,
            fill_gap=config.fill_gap,
            min_content_words=config.min_content_words,
        )


# Shingles sorted per block (by the top bits of their hash): bounds the sort's
# temporaries and the anchors each block makes, the reuse process's largest
# arrays. At a million paragraphs the stage's process tree peaked at 2,916 MB
# with 1 << 21, 2,713 MB with 1 << 19 and 2,702 MB with 1 << 18, its anchors
# found as fast (one PSS timeline each, a scratch script); at 1 << 22 some
# 150 MB higher than at 1 << 21.
SORT_BLOCK = 1 << 19
# Sorted anchor keys chained per slice (bounds the chaining temporaries).
_SPAN_BLOCK = 1 << 23
# Buckets of later posts the anchors are chained in (see _anchors): one per
# this many words of the dump, at most _ANCHOR_BUCKETS. Each bucket costs a
# few small sorts, so a small dump keeps one or a few.
_ANCHOR_BUCKET_WORDS = 1 << 20
_ANCHOR_BUCKETS = 1024
# Posts whose shingles are hashed together (bounds the hashing temporaries).
_HASH_BLOCK_WORDS = 1 << 22
_NOT_PAINTED = np.iinfo(np.int64).max

#: Words each post borrows from each earlier post: ``{post: {source: [prose, in shared quotations]}}``.
Borrowed = dict[int, dict[int, list[int]]]


def derivation(share: float, quoted_share: float, config: AuditConfig) -> Derivation:
    """The verdict for a post's borrowed shares: ``wholly``, ``partially`` or ``independent``.

    Decided mostly on prose: words borrowed inside quotations count
    ``config.quoted_weight`` of a prose word, since independent reports of one
    event quote the same people word for word (see ``docs/verdicts.md``).
    """
    weighed = share + config.quoted_weight * quoted_share
    if weighed >= config.wholly:
        return "wholly"
    if weighed >= config.partially:
        return "partially"
    return "independent"


def post_reuse(
    posts: Sequence[Post],
    flat: Flat,
    active: npt.NDArray[np.bool_],
    chronology: Chronology,
    config: AuditConfig,
) -> dict[str, PostReuse]:
    """Each post's borrowed share, derivation and sources (earliest witness first).

    ``active`` marks the paragraphs that take part (boilerplate and empty
    paragraphs do not: their words count neither as borrowed nor in the total).
    """
    post_words = words_taking_part(flat, active, len(posts))
    post_span = np.zeros(len(posts), dtype=np.int64)
    np.add.at(post_span, flat.post_of, flat.lengths)
    # The streams are read out of the flat word hashes block by block: a copy
    # without the boilerplate would cost half a gigabyte at 1M paragraphs.
    keep = None if active.all() else np.repeat(active, flat.lengths)
    blocks = credit_blocks(flat.hashes, post_words, chronology, PassageRules.of(config), keep, post_span)
    quoted = flat.quoted if len(flat.quoted) == len(flat.hashes) else np.zeros(len(flat.hashes), dtype=bool)
    taken = borrowed_words(post_words, blocks, quoted if keep is None else quoted[keep])
    return reuse_records(posts, post_words, taken, chronology, config)


def words_taking_part(flat: Flat, active: npt.NDArray[np.bool_], posts: int) -> IntArray:
    """Each post's words in the ``active`` paragraphs: the denominator of its shares.

    Summed per paragraph, not counted per word: a word-sized array is half a
    gigabyte at a million paragraphs.
    """
    post_words = np.zeros(posts, dtype=np.int64)
    np.add.at(post_words, flat.post_of[active], flat.lengths[active])
    return post_words


def credit_words(
    hashes: HashArray,
    post_words: IntArray,
    chronology: Chronology,
    rules: PassageRules,
    keep: npt.NDArray[np.bool_] | None = None,
    post_span: IntArray | None = None,
) -> npt.NDArray[np.int32]:
    """For every word of the streams, the post it is borrowed from (``-1`` when it is not borrowed).

    ``hashes`` is the concatenation of the posts' word streams, ``post_words``
    their lengths and ``chronology`` what is known of their order. A word of
    post ``p`` is credited to the earliest post (lowest rank) earlier than
    ``p`` by evidence whose kept chains with ``p`` cover it; posts of no known
    order (contemporaries) make no anchors. See the module doc.

    With ``keep`` (one flag per entry of ``hashes``), a post's stream is the
    kept words of its ``post_span[p]`` consecutive entries, and ``post_words``
    counts only those: the caller need not copy the streams out.

    The whole array at once, from :func:`credit_blocks` (which the audit
    reads block by block instead).
    """
    credit = np.full(int(post_words.sum()), -1, dtype=np.int32)
    for first_word, block, _ in credit_blocks(hashes, post_words, chronology, rules, keep, post_span):
        credit[first_word : first_word + len(block)] = block
    return credit


def credit_blocks(
    hashes: HashArray,
    post_words: IntArray,
    chronology: Chronology,
    rules: PassageRules,
    keep: npt.NDArray[np.bool_] | None = None,
    post_span: IntArray | None = None,
) -> Iterator[tuple[int, npt.NDArray[np.int32], IntArray]]:
    """:func:`credit_words` a block of whole posts at a time: ``(first word, credit, source word)``.

    ``credit`` is the post each word of the block is borrowed from (-1 for
    none) and ``source word`` the stream index of the word it matches there
    (-1 for none): a borrowed word inside quotations counts as a shared
    quotation only where its source quotes it too.

    Blocks come in word order and cover every word that is borrowed; a
    stretch of posts that borrows nothing may have no block. A block is one
    bucket of later posts of the anchors (:func:`_anchors`): every span a
    chain paints lies in its later post, so no word-sized array is ever held
    (a quarter of a gigabyte at a million paragraphs, at the reuse process's
    peak).
    """
    n_posts = len(post_words)
    total = int(post_words.sum())
    if keep is not None and (
        post_span is None or len(keep) != len(hashes) or int(post_span.sum()) != len(hashes)
    ):
        raise ValueError("keep needs post_span, both covering hashes")
    if n_posts < 2 or total == 0:
        return
    post_start = np.zeros(n_posts, dtype=np.int64)
    np.cumsum(post_words[:-1], out=post_start[1:])
    if keep is None:
        span_start = post_start
    else:
        assert post_span is not None
        span_start = np.zeros(n_posts + 1, dtype=np.int64)
        np.cumsum(post_span, out=span_start[1:])
    rank = chronology.rank
    occurrences = _shingles(hashes, post_words, post_start, rules.k, keep, span_start)
    anchors, bounds = _anchors(occurrences, post_start, chronology, total, rules)
    by_rank = np.argsort(rank).astype(np.int32)
    edges = np.r_[0, bounds, total]
    # Which words are not function words, for the spans' minimum of content words.
    content = content_words(hashes, keep)
    # Each bucket's spans are painted as soon as they are found.
    for bucket, keys in anchors.drain():
        lo, hi = int(edges[bucket]), int(edges[bucket + 1])
        found = span_credit(keys, post_start, total, rules, content[lo:hi], lo, rank, by_rank)
        del keys
        if found is not None:
            yield lo, found[0], found[1]


def span_credit(
    keys: IntArray,
    post_start: IntArray,
    total: int,
    rules: PassageRules,
    content: npt.NDArray[np.bool_],
    lo: int,
    rank: IntArray,
    by_rank: npt.NDArray[np.int32],
) -> tuple[npt.NDArray[np.int32], IntArray] | None:
    """The credit of the stream words ``[lo, lo + len(content))`` from the anchors ``keys`` of their posts.

    ``keys`` (:func:`_anchor_keys`, sorted here in place) are every anchor
    whose later word lies in that range, which must be whole posts;
    ``content`` flags those words that are not function words, ``rank`` is
    the chronology's rank of each post and ``by_rank`` its inverse. Returns
    ``(credit, source word)`` as :func:`credit_blocks` yields them, or None
    when no kept span lies there. One function for the local engine's
    buckets of posts and the Spark engine's single posts
    (:mod:`provenance.engines.spark`), so both credit alike.
    """
    hi = lo + len(content)
    first, stop, source, diagonal = _kept_spans(keys, post_start, total, rules)
    if rules.min_content_words and len(first):
        counts = np.r_[0, np.cumsum(content)]
        enough = counts[stop - lo] - counts[first - lo] >= rules.min_content_words
        first, stop, source, diagonal = first[enough], stop[enough], source[enough], diagonal[enough]
    if not len(first):
        return None
    # The lowest rank (earliest) wins; a span's source rank and diagonal are painted as one key.
    painted = np.full(hi - lo, _NOT_PAINTED, dtype=np.int64)
    np.minimum.at(
        painted,
        segments(first - lo, stop - lo),
        np.repeat((rank[source] << 32) | diagonal, stop - first),
    )
    borrowed = painted != _NOT_PAINTED
    credit = np.full(hi - lo, -1, dtype=np.int32)
    credit[borrowed] = by_rank[painted[borrowed] >> 32]
    source_word = np.full(hi - lo, -1, dtype=np.int64)
    where = np.flatnonzero(borrowed)
    source_word[where] = lo + where - ((painted[where] & 0xFFFFFFFF) - total)
    return credit, source_word


def _shingles(
    hashes: HashArray,
    post_words: IntArray,
    post_start: IntArray,
    k: int,
    keep: npt.NDArray[np.bool_] | None,
    span_start: IntArray,
) -> tuple[Generator[tuple[HashArray, npt.NDArray[Any]], None, None], int]:
    """Every full ``k``-word shingle of every post's stream with the word index it starts at, by hash block.

    Streams are read as :func:`credit_words` says: ``hashes`` from
    ``post_start`` on, or with ``keep``, the kept entries from ``span_start``
    on. The shingles are made a block of posts at a time and grouped by the
    top bits of their hash (:func:`~provenance.dedup.buckets.by_top_bits`,
    about :data:`SORT_BLOCK` per block, word indexes ascending): held all
    at once they were the reuse process's largest arrays (0.8 GB at a
    million paragraphs). Returns the blocks and how many top bits name a block.
    """
    total = int(np.maximum(post_words - k + 1, 0).sum())
    blocks = max(1, -(-total // SORT_BLOCK))
    bits = (blocks - 1).bit_length()
    # Word indexes fit 32 bits below 2**31 words: a third less to hold.
    where_type = np.int32 if int(post_words.sum()) < 2**31 else np.int64
    made = _post_block_shingles(hashes, post_words, post_start, k, keep, span_start)
    return buckets.by_top_bits(made, total, bits, where_type), bits


def _post_blocks(post_start: IntArray) -> Iterator[tuple[int, int]]:
    """Consecutive posts ``[first, last)``, about :data:`_HASH_BLOCK_WORDS` words each (at least one post)."""
    first = 0
    while first < len(post_start):
        stop_word = post_start[first] + _HASH_BLOCK_WORDS
        last = max(first + 1, int(np.searchsorted(post_start, stop_word, side="right")))
        yield first, last
        first = last


def _post_block_shingles(
    hashes: HashArray,
    post_words: IntArray,
    post_start: IntArray,
    k: int,
    keep: npt.NDArray[np.bool_] | None,
    span_start: IntArray,
) -> Iterator[tuple[HashArray, IntArray]]:
    """The full shingles and their word indexes, a block of posts at a time."""
    for block_first, block_last in _post_blocks(post_start):
        lengths = post_words[block_first:block_last]
        if keep is None:
            base = int(post_start[block_first])
            block = hashes[base : base + int(lengths.sum())]
        else:
            lo, hi = int(span_start[block_first]), int(span_start[block_last])
            block = hashes[lo:hi][keep[lo:hi]]
        sh, owner = shingle_hashes(block, lengths, k)
        del block
        full = lengths[owner] >= k  # a post shorter than k words has no full shingle
        counts = np.bincount(owner, minlength=len(lengths))
        first = np.zeros(len(lengths), dtype=np.int64)
        np.cumsum(counts[:-1], out=first[1:])
        begin = (post_start[block_first:block_last][owner] + np.arange(len(sh)) - first[owner])[full]
        yield sh[full], begin


class PostOfWord:
    """The post a stream word index lies in: ``np.searchsorted(post_start, at, side="right") - 1``, faster.

    A binary search per occurrence was a tenth of the reuse process at a
    million paragraphs. A table of the post at every 32nd word gives each
    word a post at or before its own, and a step or two forward (past the
    posts that start before the word, empty ones included) finds it.
    """

    _SHIFT = 5

    def __init__(self, post_start: IntArray, total: int) -> None:
        # Where the post after each one starts (beyond every word for the last).
        self._next_start = np.r_[post_start[1:], np.iinfo(np.int64).max]
        sampled = np.arange(0, total, 1 << self._SHIFT, dtype=np.int64)
        table_type = np.int32 if len(post_start) < 2**31 else np.int64
        self._table = (np.searchsorted(post_start, sampled, side="right") - 1).astype(table_type)

    def __call__(self, at: IntArray) -> IntArray:
        """The post of each word index in ``at`` (each in ``[0, total)``)."""
        post = self._table[at >> self._SHIFT].astype(np.int64)
        behind = np.flatnonzero(self._next_start[post] <= at)
        while len(behind):
            post[behind] += 1
            behind = behind[self._next_start[post[behind]] <= at[behind]]
        return post


def content_words(hashes: HashArray, keep: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.bool_]:
    """Which words of the streams (the ``keep`` ones, or all) are not function words.

    Read :data:`_HASH_BLOCK_WORDS` words at a time: ``hashes[keep]`` made at
    once was a copy of every word hash, half a gigabyte at a million
    paragraphs, in the reuse process at the end of its run.
    """
    content = np.empty(len(hashes) if keep is None else int(np.count_nonzero(keep)), dtype=bool)
    at = 0
    for start in range(0, len(hashes), _HASH_BLOCK_WORDS):
        block = ~_is_function_word(hashes[start : start + _HASH_BLOCK_WORDS])
        if keep is not None:
            block = block[keep[start : start + _HASH_BLOCK_WORDS]]
        content[at : at + len(block)] = block
        at += len(block)
    return content


def _anchors(
    occurrences: tuple[Generator[tuple[HashArray, npt.NDArray[Any]], None, None], int],
    post_start: IntArray,
    chronology: Chronology,
    total: int,
    rules: PassageRules,
) -> tuple[KeyBuckets, IntArray]:
    """Every anchor, packed as one sortable key (see :func:`_anchor_keys`), bucketed by its later post.

    The shingle occurrences come one hash block at a time (:func:`_shingles`).
    A chain never leaves its later post, so each bucket of anchors (a range
    of posts) is chained on its own and the dump's anchors never sit in
    memory at once. Also returns the word positions where buckets 1, 2, ...
    start (bucket ``b`` holds the later words from ``bounds[b - 1]`` on).
    """
    n_posts = len(post_start)
    bucket_count = max(1, min(_ANCHOR_BUCKETS, n_posts, total // _ANCHOR_BUCKET_WORDS))
    # Word positions where buckets 1.. start: post boundaries, about equal numbers of posts.
    bounds = post_start[(np.arange(1, bucket_count) * n_posts) // bucket_count]
    # A word's bucket is its post's (bounds are post starts).
    bucket_of_post = np.searchsorted(bounds, post_start, side="right").astype(np.uint16)
    anchors = KeyBuckets(bucket_count, np.int64)
    post_of = PostOfWord(post_start, total)
    blocks, top_bits = occurrences
    try:
        for shingle, where in blocks:
            keys, later_post = block_anchors(shingle, where, post_of, chronology, total, rules, top_bits)
            del shingle, where
            anchors.add(keys, bucket_of_post[later_post])
    except BaseException:
        anchors.close()
        raise
    finally:
        blocks.close()  # removes the occurrences' temporary files if the loop stopped early
    return anchors, bounds


def block_anchors(
    shingle: HashArray,
    where: npt.NDArray[Any],
    post_of: PostOfWord,
    chronology: Chronology,
    total: int,
    rules: PassageRules,
    known_top_bits: int = 0,
) -> tuple[IntArray, IntArray]:
    """The anchors of one bucket of occurrences, and the later post of each.

    ``where`` (stream word indexes) ascends, and all hashes share their top
    ``known_top_bits``. The bucket must hold every occurrence of each of its
    shingles: the local engine's buckets of :func:`_shingles` do, and so do
    the Spark engine's (:func:`provenance.engines.spark.post_borrowing`).
    """
    empty = np.zeros(0, dtype=np.int64)
    if len(shingle) < 2:
        return empty, empty
    # Most shingles occur once and anchor nothing: keep the repeated ones.
    # Occurrences grouped by shingle; inside a group in the order given, which
    # is word order (see _shingles), so (shingle, word index) order comes
    # from one packed sort.
    local, ordered = posting_order(shingle, known_top_bits)
    group = np.cumsum(np.r_[True, ordered[1:] != ordered[:-1]]) - 1
    del ordered
    repeated = np.bincount(group)[group] >= 2
    at = where[local[repeated]].astype(np.int64)
    group = group[repeated]
    del local, repeated
    # Inside one shingle, occurrences are in word order, so the occurrences of
    # one post are contiguous (posts are contiguous in the stream).
    post = post_of(at)
    new_group = np.r_[True, group[1:] != group[:-1]]
    new_run = new_group | np.r_[True, post[1:] != post[:-1]]
    # Only the first rules.repeats occurrences of a shingle in a post anchor.
    index = np.arange(len(at))
    run_start = np.maximum.accumulate(np.where(new_run, index, 0))
    first_few = index - run_start < rules.repeats
    at, post, new_group, new_run = at[first_few], post[first_few], new_group[first_few], new_run[first_few]
    # Document frequency: posts per shingle. Keep shingles in 2..rules.stock_posts posts.
    group_id = np.cumsum(new_group) - 1
    df = np.bincount(group_id, weights=new_run).astype(np.int64)[group_id]
    useful = (df >= 2) & (df <= rules.stock_posts)
    at, post, new_group, new_run = at[useful], post[useful], new_group[useful], new_run[useful]
    index = np.arange(len(at))
    group_start = np.maximum.accumulate(np.where(new_group, index, 0))
    run_start = np.maximum.accumulate(np.where(new_run, index, 0))
    # Each occurrence pairs with every occurrence of the same shingle in the
    # posts before its own in the group (other posts only); each pair is then
    # turned round so that it points from the later post to the earlier, and
    # pairs of posts of no known order (contemporaries) anchor nothing.
    one = np.repeat(index, run_start - group_start)
    other = segments(group_start, run_start)
    other_first, evidence = chronology.decide(post[other], post[one])
    ordered = evidence != UNDECIDED
    one, other, other_first = one[ordered], other[ordered], other_first[ordered]
    one_later = other_first
    later_at = np.where(one_later, at[one], at[other])
    earlier_at = np.where(one_later, at[other], at[one])
    return _anchor_keys(later_at, earlier_at, total), np.where(one_later, post[one], post[other])


def _anchor_keys(later_at: IntArray, earlier_at: IntArray, total: int) -> IntArray:
    """Anchors as int64 keys that sort by (diagonal, later word): one plain sort lines them up.

    Positions are stream-wide word indexes. For one pair of posts, a diagonal
    ``later_at - earlier_at`` is a fixed offset between the two posts' own
    word positions, and along it the later word index determines both posts,
    so consecutive keys of one post pair and diagonal are consecutive anchors
    of that line. Keys stay below ``2 * total**2`` (fits int64 up to 2**31 words).
    """
    return (later_at - earlier_at + total) * total + later_at


def _kept_spans(
    keys: IntArray, post_start: IntArray, total: int, rules: PassageRules
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Chain anchors and return the borrowed spans as (first word, end word, source post, diagonal).

    Words are stream-wide indexes, spans half-open; a span's words stand at
    ``word - (diagonal - total)`` in its source. ``keys`` is sorted in place
    and then read in slices that end where a diagonal ends (a chain never
    leaves its diagonal), which bounds the temporaries.
    """
    keys.sort()
    parts: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []
    start = 0
    while start < len(keys):
        stop = min(start + _SPAN_BLOCK, len(keys))
        if stop < len(keys):
            next_diagonal = (int(keys[stop - 1]) // total + 1) * total
            stop = int(np.searchsorted(keys, next_diagonal, side="left"))
        parts.append(_slice_spans(keys[start:stop], post_start, total, rules))
        start = stop
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    return tuple(np.concatenate([part[c] for part in parts]) for c in range(4))  # type: ignore[return-value]


def _slice_spans(
    keys: IntArray, post_start: IntArray, total: int, rules: PassageRules
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    empty = np.zeros(0, dtype=np.int64)
    diagonal, later_at = np.divmod(keys, total)
    # A loose chain ignores which posts the anchors belong to (only diagonal and
    # step); every true chain lies inside one, so an anchor whose loose chain is
    # too short cannot be kept. Dropping those first spares the post look-ups
    # for the many anchors of scattered stock phrases.
    step = np.r_[total, np.diff(later_at)]
    loose = np.cumsum((np.r_[True, diagonal[1:] != diagonal[:-1]]) | (step > rules.chain_gap)) - 1
    hopeful = np.bincount(loose)[loose] >= rules.min_anchors
    if not hopeful.any():
        return empty, empty, empty, empty
    later_at, diagonal, loose, step = later_at[hopeful], diagonal[hopeful], loose[hopeful], step[hopeful]
    later = np.searchsorted(post_start, later_at, side="right") - 1
    earlier = np.searchsorted(post_start, later_at - (diagonal - total), side="right") - 1
    same_chain = np.r_[
        False, (loose[1:] == loose[:-1]) & (later[1:] == later[:-1]) & (earlier[1:] == earlier[:-1])
    ]
    chain_id = np.cumsum(~same_chain) - 1
    kept = np.bincount(chain_id)[chain_id] >= rules.min_anchors
    later, at, earlier, chain_id, step, diagonal = (
        later[kept],
        later_at[kept],
        earlier[kept],
        chain_id[kept],
        step[kept],
        diagonal[kept],
    )
    if len(later) == 0:
        return empty, empty, empty, empty
    # Spans of consecutive anchors of one chain merge when at most fill_gap words lie between them.
    same_chain = np.r_[False, chain_id[1:] == chain_id[:-1]]
    starts = np.flatnonzero(~(same_chain & (step <= rules.k + rules.fill_gap)))
    first = np.minimum.reduceat(at, starts)
    stop = np.maximum.reduceat(at, starts) + rules.k
    return first, stop, earlier[starts], diagonal[starts]


def borrowed_words(
    post_words: IntArray,
    credit: Iterable[tuple[int, npt.NDArray[np.int32], IntArray]],
    quoted: npt.NDArray[np.bool_],
) -> Borrowed:
    """How many words each post borrows from each source: ``{post: {source: [prose, in quotes]}}``.

    ``credit`` is what :func:`credit_blocks` yields and ``quoted`` flags the
    stream words inside quotations. A borrowed word that is quoted both here
    and in its source is a shared quotation, counted second: independent
    reports quote the same people. Any other borrowed word counts as prose (a
    copy that puts its source's prose between quotation marks still copies it).
    """
    n_posts = len(post_words)
    post_start = np.zeros(n_posts, dtype=np.int64)
    np.cumsum(post_words[:-1], out=post_start[1:])
    # (post, source, quoted) keys of the borrowed words only, found from their
    # word index (a post number per word of the dump was half a gigabyte at
    # 1M), counted a block of whole posts at a time: a key never spans two
    # blocks, and the blocks come in post order, so the keys come out sorted.
    key_parts: list[IntArray] = []
    count_parts: list[IntArray] = []
    for first_word, block, source_word in credit:
        borrowed_at = np.flatnonzero(block >= 0)
        post_of_borrowed = np.searchsorted(post_start, first_word + borrowed_at, side="right") - 1
        in_quote = (quoted[first_word + borrowed_at] & quoted[source_word[borrowed_at]]).astype(np.int64)
        block_keys, block_counts = sorted_unique_counts(
            (post_of_borrowed * n_posts + block[borrowed_at]) * 2 + in_quote
        )
        key_parts.append(block_keys)
        count_parts.append(block_counts)
    keys = np.concatenate(key_parts) if key_parts else np.zeros(0, dtype=np.int64)
    counts = np.concatenate(count_parts) if count_parts else np.zeros(0, dtype=np.int64)
    del key_parts, count_parts
    taken: Borrowed = {}
    for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
        pair, in_quote = divmod(key, 2)
        post, source = divmod(pair, n_posts)
        taken.setdefault(post, {}).setdefault(source, [0, 0])[in_quote] += count
    return taken


def reuse_records(
    posts: Sequence[Post],
    post_words: IntArray,
    taken: Borrowed,
    chronology: Chronology,
    config: AuditConfig,
) -> dict[str, PostReuse]:
    """Each post's shares, derivation and sources (earliest first) from :func:`borrowed_words`.

    ``post_words`` counts each post's words that take part (the share's denominator).
    """
    sources_of = {p: sorted(found, key=lambda q: int(chronology.rank[q])) for p, found in taken.items()}
    # Why each source is earlier, decided for every (source, post) pair at once: a call per
    # post was a tenth of the reuse process at 100,000 paragraphs.
    _, codes = chronology.decide(
        np.array([q for sources in sources_of.values() for q in sources], dtype=np.int64),
        np.array([p for p, sources in sources_of.items() for _ in sources], dtype=np.int64),
    )
    decided = iter(codes.tolist())
    evidence_of = {p: [EVIDENCE[next(decided)] for _ in sources] for p, sources in sources_of.items()}
    reuse: dict[str, PostReuse] = {}
    for p, post in enumerate(posts):
        words = int(post_words[p])
        found = taken.get(p, {})
        sources = sources_of.get(p, [])
        decided_by = evidence_of.get(p, [])
        prose = sum(found[q][0] for q in sources) / words if words else 0.0
        in_quotes = sum(found[q][1] for q in sources) / words if words else 0.0
        reuse[post.id] = PostReuse(
            share=prose,
            derivation=derivation(prose, in_quotes, config),
            sources=tuple(
                ReuseSource(posts[q].id, found[q][0] / words, found[q][1] / words, evidence_name)
                for q, evidence_name in zip(sources, decided_by, strict=True)
            ),
            quoted_share=in_quotes,
        )
    return reuse


@cache
def _function_word_hashes() -> HashArray:
    """The hashes of :data:`FUNCTION_WORDS`, sorted (:func:`_is_function_word` searches them)."""
    return np.array(sorted(word_hash(w) for w in FUNCTION_WORDS), dtype=np.uint64)


def _is_function_word(hashes: HashArray) -> npt.NDArray[np.bool_]:
    """Which ``hashes`` are a function word's: ``np.isin(hashes, _function_word_hashes())``, faster.

    A binary search of each hash among the sorted function-word hashes (a hundred or so).
    ``np.isin`` sorted the words themselves (a 4-million-entry argsort per
    block) and took a third of the reuse process at 100,000 paragraphs.
    """
    function_words = _function_word_hashes()
    at = np.searchsorted(function_words, hashes)
    np.minimum(at, len(function_words) - 1, out=at)
    return function_words[at] == hashes
