"""Post-level reuse from shared passages (provenance.dedup.passages)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from itertools import combinations
from unittest import mock

import numpy as np
import pytest
import records
from hypothesis import example, given, settings
from hypothesis import strategies as st

from provenance.config import AuditConfig
from provenance.dedup import buckets, find_duplicates, passages
from provenance.dedup.order import Chronology
from provenance.models import Post
from provenance.shingle import FUNCTION_WORDS, word_hash

CONFIG = AuditConfig()
K = CONFIG.partial_shingle_size


def post(post_id: str, *texts: str, day: int = 1) -> Post:
    """A post dated ``day`` days into 2020 (posts of one day are contemporaries: give each its own)."""
    return records.post(post_id, *texts, date=dt.date(2020, 1, 1) + dt.timedelta(days=day - 1))


def prose(seed: int, n: int) -> list[str]:
    """``n`` made-up words that no other seed's prose shares by chance."""
    rng = random.Random(seed)
    return [f"w{seed}x{rng.randrange(10**6)}" for _ in range(n)]


def test_merged_and_split_paragraphs_still_count_as_borrowed() -> None:
    """A copy that merges two source paragraphs into one and splits a third in two is wholly borrowed."""
    a, b, c = prose(1, 40), prose(2, 40), prose(3, 40)
    source = post("source", " ".join(a), " ".join(b), " ".join(c), day=1)
    copy = post("copy", " ".join(a + b), " ".join(c[:20]), " ".join(c[20:]), day=2)
    reuse = find_duplicates([source, copy], AuditConfig()).reuse
    assert reuse["copy"].share == pytest.approx(1.0)
    assert [s.post for s in reuse["copy"].sources] == ["source"]
    assert reuse["source"].share == 0.0


def test_a_word_changed_every_six_words_is_still_borrowed() -> None:
    """A copy with every sixth word replaced keeps the changed words inside the shared span: wholly."""
    original = prose(4, 120)
    edited = [f"changed{i}" if i % 6 == 5 else w for i, w in enumerate(original)]
    posts = [post("source", " ".join(original), day=1), post("copy", " ".join(edited), day=2)]
    reuse = find_duplicates(posts, AuditConfig()).reuse
    assert reuse["copy"].share >= 0.95
    assert reuse["copy"].derivation == "wholly"


def test_scattered_stock_phrases_are_not_borrowing() -> None:
    """Phrases one anchor short of a chain, shared at unrelated places, give independent posts no share."""
    phrase_words = CONFIG.min_anchors + K - 2  # one anchor short of a chain
    phrases = [" ".join(prose(100 + i, phrase_words)) for i in range(6)]
    first = " ".join(f"{' '.join(prose(10 + i, 12))} {p}" for i, p in enumerate(phrases))
    second = " ".join(f"{p} {' '.join(prose(20 + i, 7 + 3 * i))}" for i, p in enumerate(reversed(phrases)))
    reuse = find_duplicates([post("first", first, day=1), post("second", second, day=2)], AuditConfig()).reuse
    assert reuse["second"].share == 0.0
    assert reuse["second"].derivation == "independent"


def test_a_phrase_in_more_posts_than_the_cap_anchors_nothing() -> None:
    """A long sentence repeated in more posts than the cap (each with its own words) borrows nothing."""
    sentence = " ".join(prose(5, 12))
    posts = [
        post(f"p{i:03}", f"{' '.join(prose(1000 + i, 30))} {sentence}", day=1 + i)
        for i in range(CONFIG.stock_phrase_posts + 1)
    ]
    reuse = find_duplicates(posts, AuditConfig()).reuse
    assert {r.share for r in reuse.values()} == {0.0}


def test_self_repetition_does_not_count() -> None:
    """A post that repeats its own paragraphs (lede repeated in the body) has no borrowed share."""
    lede = " ".join(prose(6, 30))
    posts = [
        post("alone", lede, lede, " ".join(prose(7, 30)), lede, day=2),
        post("other", " ".join(prose(8, 50))),
    ]
    reuse = find_duplicates(posts, AuditConfig()).reuse
    assert reuse["alone"].share == 0.0
    assert reuse["alone"].sources == ()


def test_each_word_is_credited_to_the_earliest_post_sharing_it() -> None:
    """Text found in two earlier posts is credited to the earliest; sources list the earliest first."""
    shared, only_middle = prose(9, 40), prose(10, 40)
    own = prose(11, 20)
    first = post("first", " ".join(shared), day=1)
    middle = post("middle", " ".join(shared), " ".join(only_middle), day=2)
    last = post("last", " ".join(only_middle), " ".join(shared), " ".join(own), day=3)
    # Input order is not date order: "earlier" follows the dates.
    reuse = find_duplicates([last, middle, first], AuditConfig()).reuse
    assert [(s.post, s.share) for s in reuse["last"].sources] == [("first", 0.4), ("middle", 0.4)]
    assert reuse["last"].share == pytest.approx(0.8)
    assert [(s.post, s.share) for s in reuse["middle"].sources] == [("first", 0.5)]


# --------------------------------------------------------------------------
# The vectorised finder equals a plain-Python reading of its definition.
# --------------------------------------------------------------------------


def chronology_of(rank: list[int], day: list[int]) -> Chronology:
    """The order of posts dated ``day`` (ordinals) and ranked ``rank`` (consistent with the days)."""
    n = len(rank)
    return Chronology(
        rank=np.array(rank, dtype=np.int64),
        reference=np.zeros(n, dtype=bool),
        day=np.array(day, dtype=np.int64),
        cited_day=np.zeros(n, dtype=bool),
        posted=np.array(day, dtype=np.int64),
        seconds=np.full(n, -1, dtype=np.int64),
        outlet=np.full(n, -1, dtype=np.int64),
        credits=np.zeros(0, dtype=np.int64),
        outlets=1,
    )


def reference_credit(
    streams: list[list[int]], rank: list[int], rules: passages.PassageRules, day: list[int] | None = None
) -> list[list[int]]:
    """The source post credited for each word (-1: not borrowed), written as the module doc defines it.

    Posts of the same ``day`` are contemporaries: they share words but borrow none from each other.
    """
    day = day if day is not None else rank
    k = rules.k
    occurrences: dict[tuple[int, ...], list[tuple[int, int]]] = defaultdict(list)
    for p, words in enumerate(streams):
        seen: dict[tuple[int, ...], int] = defaultdict(int)
        for i in range(len(words) - k + 1):
            shingle = tuple(words[i : i + k])
            if seen[shingle] < rules.repeats:
                occurrences[shingle].append((p, i))
            seen[shingle] += 1
    lines: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for found in occurrences.values():
        if not 2 <= len({p for p, _ in found}) <= rules.stock_posts:
            continue
        for (p, i), (q, j) in combinations(found, 2):
            if p == q or day[p] == day[q]:
                continue
            if rank[p] < rank[q]:
                (p, i), (q, j) = (q, j), (p, i)
            lines[(p, q, i - j)].append(i)
    credit = [[-1] * len(words) for words in streams]
    for (p, q, _), starts in lines.items():
        starts.sort()
        chains: list[list[int]] = [[starts[0]]]
        for start in starts[1:]:
            if start - chains[-1][-1] <= rules.chain_gap:
                chains[-1].append(start)
            else:
                chains.append([start])
        for chain in chains:
            if len(chain) < rules.min_anchors:
                continue
            covered: set[int] = set()
            for here, after in zip(chain, [*chain[1:], None], strict=True):
                covered.update(range(here, here + k))
                if after is not None and after - (here + k) <= rules.fill_gap:
                    covered.update(range(here + k, after))
            for w in covered:
                if credit[p][w] == -1 or rank[q] < rank[credit[p][w]]:
                    credit[p][w] = q
    return credit


streams_strategy = st.lists(st.lists(st.integers(0, 3), max_size=40), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
# A gap of exactly fill_gap words between two anchors is filled (the boundary case).
@example(
    streams=[[10, 11, 12, 13, 14, 15, 16], [10, 11, 12, 99, 14, 15, 16]],
    order_seed=0,
    df_cap=2,
    repeats=1,
    min_seeds=2,
    chain_gap=4,
    fill_gap=1,
    k=3,
    small_blocks=False,
    contemporaries=False,
)
@given(
    streams=streams_strategy,
    order_seed=st.integers(0, 10**6),
    df_cap=st.integers(2, 6),
    repeats=st.integers(1, 4),
    min_seeds=st.integers(1, 4),
    chain_gap=st.integers(1, 8),
    fill_gap=st.integers(0, 3),
    k=st.integers(1, 4),
    small_blocks=st.booleans(),
    contemporaries=st.booleans(),
)
def test_vectorised_credit_equals_the_plain_definition(
    streams: list[list[int]],
    order_seed: int,
    df_cap: int,
    repeats: int,
    min_seeds: int,
    chain_gap: int,
    fill_gap: int,
    k: int,
    small_blocks: bool,
    contemporaries: bool,
) -> None:
    """On small random posts over a 4-word vocabulary, credit_words matches the plain-Python definition.

    With ``contemporaries``, posts come two to a day, and posts of one day borrow nothing from each other.
    """
    rank = list(range(len(streams)))
    random.Random(order_seed).shuffle(rank)
    day = [r // 2 for r in rank] if contemporaries else rank
    chronology = chronology_of(rank, day)
    rules = passages.PassageRules(
        k=k,
        stock_posts=df_cap,
        repeats=repeats,
        chain_gap=chain_gap,
        min_anchors=min_seeds,
        fill_gap=fill_gap,
        min_content_words=0,
    )
    patches: dict[str, int] = {"_SPAN_BLOCK": passages._SPAN_BLOCK}
    if small_blocks:
        # Blocked hashing, partitioned sort, sliced chaining, one bucket or two of later posts.
        patches |= {
            "SORT_BLOCK": 7,
            "_HASH_BLOCK_WORDS": 9,
            "_SPAN_BLOCK": 3,
            "_ANCHOR_BUCKETS": 2,
            "_ANCHOR_BUCKET_WORDS": 1,
        }
    # Anchors spilled to temporary files in tiny batches when blocks are small.
    spill = (
        {"SPILL_BYTES": 0, "IN_MEMORY_BYTES": 0, "BATCH_KEYS": 5}
        if small_blocks
        else {"SPILL_BYTES": buckets.SPILL_BYTES}
    )
    with mock.patch.multiple(passages, **patches), mock.patch.multiple(buckets, **spill):
        expected = reference_credit(streams, rank, rules, day)
        hashes = np.array([word_hash(str(w)) for words in streams for w in words], dtype=np.uint64)
        got = passages.credit_words(
            hashes,
            np.array([len(words) for words in streams], dtype=np.int64),
            chronology,
            rules,
        )
        # The blocks behind it come in word order, never overlap, and leave out only unborrowed words.
        blocks = list(
            passages.credit_blocks(
                hashes,
                np.array([len(words) for words in streams], dtype=np.int64),
                chronology,
                rules,
            )
        )
        covered = 0
        for first_word, block, _ in blocks:
            assert first_word >= covered and len(block) > 0
            covered = first_word + len(block)
        outside = np.ones(len(got), dtype=bool)
        for first_word, block, _ in blocks:
            outside[first_word : first_word + len(block)] = False
        assert (got[outside] == -1).all()
        # The same streams read out of a longer array through a keep mask
        # (boilerplate words in between, as post_reuse gives them).
        noise = random.Random(order_seed + 1)
        spans = [[(w, True)] + [(7, False)] * noise.randrange(2) for words in streams for w in words]
        per_post: list[list[tuple[int, bool]]] = []
        at = 0
        for words in streams:
            per_post.append(
                [(5, False)] * noise.randrange(2) + [e for s in spans[at : at + len(words)] for e in s]
            )
            at += len(words)
        entries = [e for post in per_post for e in post]
        masked = passages.credit_words(
            np.array([word_hash(str(w)) for w, _ in entries], dtype=np.uint64),
            np.array([len(words) for words in streams], dtype=np.int64),
            chronology,
            rules,
            keep=np.array([kept for _, kept in entries], dtype=bool),
            post_span=np.array([len(post) for post in per_post], dtype=np.int64),
        )
    assert got.tolist() == [c for credit in expected for c in credit]
    assert masked.tolist() == got.tolist()


@given(st.lists(st.integers(0, 90), min_size=1, max_size=40), st.data())
def test_post_of_word_is_the_binary_search_it_replaces(post_words: list[int], data: st.DataObject) -> None:
    """PostOfWord finds the post each word lies in, as searchsorted does, empty posts included."""
    total = sum(post_words)
    if total == 0:
        return
    post_start = np.zeros(len(post_words), dtype=np.int64)
    np.cumsum(post_words[:-1], out=post_start[1:])
    at = np.array(data.draw(st.lists(st.integers(0, total - 1), max_size=60)), dtype=np.int64)
    expected = np.searchsorted(post_start, at, side="right") - 1
    assert np.array_equal(passages.PostOfWord(post_start, total)(at), expected)


@given(
    st.lists(
        st.sampled_from(["the", "of", "said", "ministry", "blast", "on", "market", "forty"]), max_size=60
    ),
    st.data(),
)
def test_content_words_read_block_by_block_equal_the_whole_array_at_once(
    words: list[str], data: st.DataObject
) -> None:
    """Which kept words are not function words: the same with blocks of 4 words as read at once."""
    hashes = np.array([word_hash(w) for w in words], dtype=np.uint64)
    keep = data.draw(st.none() | st.lists(st.booleans(), min_size=len(words), max_size=len(words)))
    keep_array = None if keep is None else np.array(keep, dtype=bool)
    expected = ~np.isin(
        hashes if keep_array is None else hashes[keep_array], passages._function_word_hashes()
    )
    with mock.patch.object(passages, "_HASH_BLOCK_WORDS", 4):
        found = passages.content_words(hashes, keep_array)
    assert found.dtype == bool and np.array_equal(found, expected)
    assert found.sum() == sum(
        1
        for w, k in zip(words, keep or [True] * len(words), strict=True)
        if k and w not in {"the", "of", "said", "on"}
    )


@given(
    st.lists(st.sampled_from(sorted(FUNCTION_WORDS)) | st.text(min_size=1, max_size=8), max_size=80),
    st.lists(st.integers(0, 2**64 - 1), max_size=20),
)
def test_is_function_word_is_the_isin_it_replaces(words: list[str], raw: list[int]) -> None:
    """The binary search finds exactly the function words' hashes, as ``np.isin`` does: below the
    smallest, above the largest and between them."""
    function_words = passages._function_word_hashes()
    hashes = np.array(
        [word_hash(w) for w in words] + raw + [0, 2**64 - 1, int(function_words[0]), int(function_words[-1])],
        dtype=np.uint64,
    )
    assert np.array_equal(passages._is_function_word(hashes), np.isin(hashes, function_words))
    assert passages._is_function_word(np.zeros(0, dtype=np.uint64)).shape == (0,)
