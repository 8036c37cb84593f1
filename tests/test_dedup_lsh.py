"""MinHash LSH candidates of the duplicate stage (provenance.dedup.candidates)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st
from records import post

from provenance.config import AuditConfig
from provenance.dedup import find_duplicates
from provenance.dedup.candidates import (
    MINHASH_SCHEME,
    fold32,
    lsh_params,
    lsh_probability,
    signatures,
)
from provenance.ingest import read_corpus
from provenance.models import Post
from provenance.shingle import shingles, words

SEED = Path(__file__).resolve().parents[1] / "seeds" / "islamic-state-whats-next.txt"


def shingle_sets(texts: list[str], k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """The texts' shingles back to back, and how many each has: what ``signatures`` takes."""
    sets = [shingles(words(t), k) for t in texts]
    return np.concatenate(sets), np.array([len(s) for s in sets], dtype=np.int64)


def test_vectorised_signatures_equal_datasketch_update_batch() -> None:
    """Signatures computed in numpy equal datasketch's own MinHash.update_batch on the same 32-bit values."""
    texts = [
        "The so-called caliphate will remain a formidable problem, officials said on Tuesday.",
        "Jihadis without a home base pose a direct threat to Europe and menace security officials.",
    ]
    mine = signatures(*shingle_sets(texts), 64, 7)
    # In blocks smaller than one set, whole sets are still taken together.
    assert np.array_equal(mine, signatures(*shingle_sets(texts), 64, 7, block=3))
    for row, text in enumerate(texts):
        reference = MinHash(num_perm=64, seed=7, hashfunc=int, scheme=MINHASH_SCHEME)
        reference.update_batch(fold32(shingles(words(text), 5)).tolist())
        assert mine[row].tolist() == reference.hashvalues.tolist()


def test_lsh_bands_reach_the_recall_target_at_the_threshold() -> None:
    """The chosen bands give P(candidate) >= 0.99 at J = threshold, and one row more per band would not."""
    for threshold, num_perm in ((0.5, 128), (0.5, 64), (0.7, 128), (0.3, 256)):
        bands, rows = lsh_params(threshold, num_perm)
        assert bands * rows <= num_perm
        assert lsh_probability(threshold, bands, rows) >= 0.99
        assert lsh_probability(threshold, num_perm // (rows + 1), rows + 1) < 0.99
    assert lsh_params(0.5, 128) == (42, 3)


def common_words_posts() -> list[Post]:
    """Two near-identical paragraphs whose shingles each sit in more paragraphs than the stock-phrase cap."""
    base = [f"w{i}" for i in range(40)]
    edited = [*base[:20], "changed", *base[21:]]
    # Each 5-word window of ``base`` is carried by more than stock_phrase_paragraphs filler paragraphs
    # (with words of their own around it), so every shingle the pair shares leaves the index.
    fillers = [
        " ".join(base[start : start + 5] + [f"x{copy}y{start}z{z}" for z in range(6)])
        for start in range(36)
        for copy in range(AuditConfig().stock_phrase_paragraphs + 1)
    ]
    posts = [post("near-a", " ".join(base)), post("near-b", " ".join(edited))]
    return posts + [post(f"filler{i:03}", text) for i, text in enumerate(fillers)]


def test_near_pair_of_stock_shingles_is_found_through_lsh() -> None:
    """A near pair whose shared shingles are all over the stock-phrase cap is reported, found by LSH alone."""
    posts = common_words_posts()
    result = find_duplicates(posts, AuditConfig(boilerplate_posts=10_000))
    found = {(p.a.post, p.b.post, p.kind) for p in result.pairs}
    assert ("near-a", "near-b", "near") in found
    assert result.stats["lsh_paragraphs"] >= 2
    assert result.stats["candidates_lsh_only"] >= 1


def test_num_perm_and_seed_change_signatures_not_verified_pairs() -> None:
    """Other permutations give other signatures but the same verified pairs (seed, capped pair)."""
    one = shingle_sets(["one two three four five six seven eight nine ten"])
    first = signatures(*one, 128, 1)
    assert not np.array_equal(first, signatures(*one, 128, 2))
    for posts in (read_corpus([SEED], AuditConfig()).posts, common_words_posts()):
        baseline = find_duplicates(posts, AuditConfig(boilerplate_posts=10_000))
        for num_perm, seed in ((64, 1), (128, 2), (256, 3)):
            other = find_duplicates(
                posts, AuditConfig(num_perm=num_perm, seed=seed, boilerplate_posts=10_000)
            )
            assert other.pairs == baseline.pairs
            assert other.stats["num_perm"] == num_perm


def test_stats_record_what_made_the_signatures() -> None:
    """stats carries the datasketch version, the MinHash scheme and the LSH bands for export."""
    import datasketch

    stats = find_duplicates([post("a", "one two three")], AuditConfig()).stats
    assert stats["datasketch"] == datasketch.__version__
    assert stats["minhash_scheme"] == "affine32"
    assert (stats["lsh_bands"], stats["lsh_rows"]) == (42, 3)


def _datasketch_bucket_pairs(
    rows_of: np.ndarray, members: list[int], n: int, bands: int, rows: int, cap: int
):
    """The pairs of datasketch's own MinHashLSH buckets, each bucket read as bucket_links reads it."""
    from datasketch import LeanMinHash, MinHashLSH

    from provenance.dedup.candidates import bucket_links

    lsh = MinHashLSH(num_perm=rows_of.shape[1], params=(bands, rows))
    for g, values in zip(members, rows_of, strict=True):
        lsh.insert(g, LeanMinHash(seed=1, hashvalues=values, scheme=MINHASH_SCHEME), check_duplication=False)
    return {
        a * n + b
        for table in lsh.hashtables
        for bucket in table.keys()  # noqa: SIM118
        for a, b in bucket_links(sorted(table.get(bucket)), cap)
    }


@settings(max_examples=80, deadline=None)
@given(
    st.integers(2, 60),
    st.sampled_from([(4, 2), (3, 3), (6, 1), (2, 4)]),
    st.integers(1, 4),
    st.integers(2, 6),
    st.randoms(use_true_random=False),
)
def test_band_buckets_are_datasketchs_lsh_buckets(
    count: int, shape: tuple[int, int], alphabet: int, cap: int, rng: random.Random
) -> None:
    """The array buckets give the pairs of datasketch's MinHashLSH buckets with the same bands and rows,
    the cap's star links included, on signatures of a few values so that buckets are often shared."""
    from provenance.dedup.candidates import band_bucket_pairs

    bands, rows = shape
    n = count * 3
    members = sorted(rng.sample(range(n), count))
    rows_of = np.array(
        [[rng.randrange(alphabet) for _ in range(bands * rows + 1)] for _ in members], dtype=np.uint32
    )
    mine = band_bucket_pairs(rows_of, np.array(members, dtype=np.int64), n, bands, rows, cap)
    assert set(mine.tolist()) == _datasketch_bucket_pairs(rows_of, members, n, bands, rows, cap)
