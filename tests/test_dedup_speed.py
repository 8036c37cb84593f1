"""The fast paths of the duplicate stage give exactly what the plain ones give."""

from __future__ import annotations

import importlib
import itertools
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import provenance.dedup as dedup
from provenance.config import AuditConfig
from provenance.dedup import buckets as dedup_buckets
from provenance.dedup import candidates as dedup_candidates
from provenance.dedup import find_duplicates
from provenance.dedup import flat as dedup_flat
from provenance.dedup import passages as dedup_passages
from provenance.dedup import verify as dedup_verify
from provenance.dedup.flat import difference, sorted_unique, sorted_unique_counts, union
from provenance.dedup.order import chronological_key

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate

# The package re-exports the function ``align``, which hides the module of that name.
dedup_align = importlib.import_module("provenance.dedup.align")

keys = st.lists(st.integers(0, 40), max_size=60).map(lambda v: np.array(v, dtype=np.int64))


@given(keys, keys)
def test_sort_based_set_operations_equal_numpy(a: np.ndarray, b: np.ndarray) -> None:
    """sorted_unique, sorted_unique_counts, union and difference answer as np.unique, union1d, setdiff1d."""
    assert np.array_equal(sorted_unique(a), np.unique(a))
    values, counts = sorted_unique_counts(a)
    expected_values, expected_counts = np.unique(a, return_counts=True)
    assert np.array_equal(values, expected_values) and np.array_equal(counts, expected_counts)
    assert np.array_equal(union(a, b), np.union1d(a, b))
    assert np.array_equal(difference(a, b), np.setdiff1d(a, b))


def test_align_many_equals_align_pair_by_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Aligning a batch with repeated pairs, in worker processes, equals aligning each pair on its own."""
    texts = [
        "The “[I]t” said — don’t worry, it is fine.",
        "It said don't worry; it is fine, really.",
        "Nothing shared here at all.",
        "½ and ﬁne words, it is fine.",
        "",
    ]
    jobs = [(a, b) for a in texts for b in texts] * 2
    monkeypatch.setattr(dedup_align, "PARALLEL_MIN_PAIRS", 1)
    monkeypatch.setattr(dedup_align, "ALIGN_CHUNK", 3)
    assert dedup_align.align_many(jobs, workers=2) == [dedup_align.align(a, b) for a, b in jobs]
    assert dedup_align.align_many(jobs, workers=1) == [dedup_align.align(a, b) for a, b in jobs]


@pytest.mark.parametrize("workers", [1, 2])
def test_align_many_reports_the_distinct_pairs_aligned_chunk_by_chunk(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """Progress counts distinct pairs (a repeated pair is aligned once), a chunk at a time up to the total."""
    jobs = [(f"text {i} one two", f"text {i} one three") for i in range(10)] * 2
    monkeypatch.setattr(dedup_align, "PARALLEL_MIN_PAIRS", 1)
    monkeypatch.setattr(dedup_align, "ALIGN_CHUNK", 3)
    heard: list[tuple[int, int]] = []
    dedup_align.align_many(jobs, workers, lambda done, total: heard.append((done, total)))
    assert heard == [(0, 10), (3, 10), (6, 10), (9, 10), (10, 10)]


@pytest.mark.parametrize("reuse_beside_indexes", [True, False])
def test_parallel_steps_give_the_serial_result(
    monkeypatch: pytest.MonkeyPatch, reuse_beside_indexes: bool
) -> None:
    """Hashing, alignment and post reuse in worker processes give exactly the serial pairs and reuse.

    The reuse process runs beside the indexes and verification on a moderate
    dump, after them on a large one (the order of events says which).
    """
    posts, _ = generate.generate_posts(1500, seed=3)
    serial = find_duplicates(posts, AuditConfig(jobs=1))
    assert len(serial.pairs) > 100
    monkeypatch.setattr(dedup_flat, "PARALLEL_MIN_PARAGRAPHS", 1)
    monkeypatch.setattr(dedup_flat, "CHUNK", 200)
    monkeypatch.setattr(dedup_align, "PARALLEL_MIN_PAIRS", 1)
    monkeypatch.setattr(dedup_align, "ALIGN_CHUNK", 50)
    monkeypatch.setattr(dedup, "PARALLEL_REUSE_MIN_PARAGRAPHS", 1)
    monkeypatch.setattr(dedup, "REUSE_BESIDE_INDEXES_MAX_PARAGRAPHS", 10**9 if reuse_beside_indexes else 1)
    events: list[str] = []
    real_classify, real_call = dedup.classify, dedup.ForkedCall

    def classify(*args: Any, **kwargs: Any) -> Any:
        events.append("verify")
        return real_classify(*args, **kwargs)

    def forked_call(name: str, *args: Any) -> Any:
        job = real_call(name, *args)
        events.append(f"{name} forked" if job.forked else name)
        return job

    monkeypatch.setattr(dedup, "classify", classify)
    monkeypatch.setattr(dedup, "ForkedCall", forked_call)
    parallel = find_duplicates(posts, AuditConfig(jobs=2))
    expected = ["post-reuse forked", "verify"] if reuse_beside_indexes else ["verify", "post-reuse forked"]
    assert events == expected
    assert parallel.stats["workers"] == 2
    assert parallel.pairs == serial.pairs
    assert parallel.clusters == serial.clusters
    assert parallel.reuse == serial.reuse
    assert parallel.boilerplate == serial.boilerplate


def test_an_error_in_the_reuse_process_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    """post_reuse failing in the forked process raises its error in the caller; no process is left."""
    posts, _ = generate.generate_posts(300, seed=4)
    monkeypatch.setattr(dedup, "PARALLEL_REUSE_MIN_PARAGRAPHS", 1)

    def broken(*args: object) -> None:
        raise ValueError("broken reuse")

    monkeypatch.setattr(dedup, "post_reuse", broken)
    with pytest.raises(ValueError, match="broken reuse"):
        find_duplicates(posts, AuditConfig(jobs=2))
    assert multiprocessing.active_children() == []


def test_a_reuse_process_that_dies_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the reuse process dies without a word (killed, out of memory), the caller gets a clear error."""
    posts, _ = generate.generate_posts(300, seed=4)
    monkeypatch.setattr(dedup, "PARALLEL_REUSE_MIN_PARAGRAPHS", 1)

    def killed(*args: object) -> None:
        os._exit(9)

    monkeypatch.setattr(dedup, "post_reuse", killed)
    with pytest.raises(RuntimeError, match="post-reuse process ended with exit code 9"):
        find_duplicates(posts, AuditConfig(jobs=2))
    assert multiprocessing.active_children() == []


def test_a_stopped_reuse_process_removes_its_temporary_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """When the main steps fail while the reuse process is spilling, it is stopped and leaves no files."""
    posts, _ = generate.generate_posts(3000, seed=4)
    monkeypatch.setattr(dedup, "PARALLEL_REUSE_MIN_PARAGRAPHS", 1)
    monkeypatch.setattr(dedup_buckets, "SPILL_BYTES", 0)
    monkeypatch.setattr(dedup_buckets, "IN_MEMORY_BYTES", 0)
    monkeypatch.setattr(dedup_buckets, "BATCH_KEYS", 50)
    monkeypatch.setattr(dedup_passages, "SORT_BLOCK", 500)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def failing_index(*args: object, **kwargs: object) -> None:
        # Wait until the reuse process has files of its own, then fail.
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob("provenance-keys-*")) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert list(tmp_path.glob("provenance-keys-*")), "the reuse process spilled nothing"
        raise ValueError("index failed")

    monkeypatch.setattr(dedup, "build_index", failing_index)
    with pytest.raises(ValueError, match="index failed"):
        find_duplicates(posts, AuditConfig(jobs=2))
    assert multiprocessing.active_children() == []
    assert list(tmp_path.iterdir()) == []


def test_index_in_tiny_blocks_equals_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index built in tiny blocks, hash ranges and spilled pair buckets equals the one-block index."""
    posts, _ = generate.generate_posts(1500, seed=5)
    # A low cap puts many shingles over it, so the over-cap counts are exercised too.
    config = AuditConfig(jobs=1, stock_phrase_paragraphs=6)
    flat = dedup_flat.flatten(posts, config, None)
    active = flat.lengths > 0
    partial = dedup_candidates.CandidateRule(config, partial=True)
    whole = [dedup_candidates.build_index(flat, active, k, cap=6) for k in (3, 5)]
    whole.append(dedup_candidates.build_index(flat, active, 3, partial, cap=6))
    whole_result = find_duplicates(posts, config)
    monkeypatch.setattr(dedup_candidates, "_RANGE_SHINGLES", 97)
    monkeypatch.setattr(dedup_candidates, "_BLOCK_PAIRS", 89)
    monkeypatch.setattr(dedup_candidates, "_PENDING_KEYS", 101)
    monkeypatch.setattr(dedup_candidates, "_BUCKET_PARAGRAPHS", 50)
    monkeypatch.setattr(dedup_candidates, "_OCCURRENCE_BLOCK_WORDS", 301)
    monkeypatch.setattr(dedup_passages, "_HASH_BLOCK_WORDS", 97)
    monkeypatch.setattr(dedup_buckets, "SPILL_BYTES", 0)
    monkeypatch.setattr(dedup_buckets, "IN_MEMORY_BYTES", 0)
    monkeypatch.setattr(dedup_buckets, "BATCH_KEYS", 103)
    spilled: list[Path] = []
    real_write = dedup_buckets.ColumnBuckets._write

    def write(self: dedup_buckets.ColumnBuckets) -> None:
        real_write(self)
        assert self._spill is not None
        spilled.append(Path(self._spill.name))

    monkeypatch.setattr(dedup_buckets.ColumnBuckets, "_write", write)
    # Pair counting shared with a forked process, whatever the number of keys.
    monkeypatch.setattr(dedup_candidates, "PARALLEL_COUNT_KEYS", 0)
    forks: list[bool] = []
    real_forked_call = dedup_candidates.ForkedCall

    def forked_call(*args: Any, **kwargs: Any) -> Any:
        call = real_forked_call(*args, **kwargs)
        forks.append(call.forked)
        return call

    monkeypatch.setattr(dedup_candidates, "ForkedCall", forked_call)
    blocked = [dedup_candidates.build_index(flat, active, k, workers=2, cap=6) for k in (3, 5)]
    blocked.append(dedup_candidates.build_index(flat, active, 3, partial, workers=2, cap=6))
    assert forks == [True, True, True]
    assert spilled and not any(folder.exists() for folder in spilled), "temporary files are removed"
    for one, many in zip(whole, blocked, strict=True):
        assert len(one.keys) > 100 and int(one.over_cap.sum()) > 0
        for field in ("sizes", "over_cap", "over_cap_ids", "over_cap_start", "keys", "counts"):
            assert np.array_equal(getattr(one, field), getattr(many, field)), field
    # The rule keeps a small part of the pairs, all of them among the unfiltered index's candidates.
    assert 0 < len(whole[2].keys) < len(whole[0].keys) / 4
    assert np.array_equal(whole[2].keys, dedup_candidates.index_candidates(whole[0], flat, partial))
    # ... and the duplicates found through it are the same.
    blocked_result = find_duplicates(posts, config)
    assert blocked_result.pairs == whole_result.pairs
    assert blocked_result.clusters == whole_result.clusters
    assert blocked_result.reuse == whole_result.reuse


def test_classify_in_small_blocks_equals_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """Candidates classified a few at a time give the same verified pairs, kinds and values, in order."""
    posts, _ = generate.generate_posts(1500, seed=5)
    config = AuditConfig(jobs=1, stock_phrase_paragraphs=6)
    flat = dedup_flat.flatten(posts, config, None)
    active = flat.lengths > 0
    index_k = dedup_candidates.build_index(flat, active, config.shingle_size, cap=6)
    partial = dedup_candidates.CandidateRule(config, partial=True)
    index_p = dedup_candidates.build_index(flat, active, config.partial_shingle_size, partial, cap=6)
    near = dedup_candidates.CandidateRule(config, partial=False)
    keys = np.union1d(
        dedup_candidates.index_candidates(index_k, flat, near),
        dedup_candidates.index_candidates(index_p, flat, partial),
    )
    whole = dedup_verify.classify(keys, flat, index_k, index_p, config)
    assert len(whole.kind) > 100 and len(keys) > len(whole.kind)
    for block in (1, 7, len(keys) - 1):
        monkeypatch.setattr(dedup_verify, "_CLASSIFY_BLOCK", block)
        blocked = dedup_verify.classify(keys, flat, index_k, index_p, config)
        assert blocked.kind == whole.kind
        for column in ("a", "b", "jaccard", "containment"):
            assert np.array_equal(getattr(blocked, column), getattr(whole, column)), (block, column)
    none = dedup_verify.classify(keys[:0], flat, index_k, index_p, config)
    assert none.kind == [] and len(none.a) == 0


def shingle_set(flat: dedup_flat.Flat, g: int, k: int) -> np.ndarray:
    hashes, _ = dedup_candidates.paragraph_shingles(flat, np.array([g], dtype=np.int64), k)
    return np.unique(hashes)


@pytest.mark.parametrize("block", [1 << 22, 64])
def test_shared_counts_equal_full_intersections(monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    """Index counts plus intersected over-cap shingles equal a full intersection of both shingle sets."""
    posts, _ = generate.generate_posts(1500, seed=5)
    monkeypatch.setattr(dedup_verify, "_INTERSECT_BLOCK", block)
    flat = dedup_flat.flatten(posts, AuditConfig(jobs=1), None)
    index = dedup_candidates.build_index(flat, flat.lengths > 0, 3, cap=6)
    n = len(flat.lengths)
    keys = index.keys.astype(np.int64)
    a, b = keys // n, keys % n
    # Pairs sharing no indexed shingle too (both sides over the cap, adjacent paragraphs).
    hidden = np.flatnonzero(index.over_cap > 0)
    a = np.concatenate([a, hidden[:-1]])
    b = np.concatenate([b, hidden[1:]])
    pairs = zip(a.tolist(), b.tolist(), strict=True)
    expected = [len(np.intersect1d(shingle_set(flat, x, 3), shingle_set(flat, y, 3))) for x, y in pairs]
    assert int((index.over_cap > 0).sum()) > 100
    assert np.array_equal(index.sizes[:50], [len(shingle_set(flat, g, 3)) for g in range(50)])
    assert np.array_equal(dedup_verify.shared_counts(index, a, b), np.array(expected))
    # Half of the intersections in a forked process: the same counts.
    monkeypatch.setattr(dedup_verify, "PARALLEL_INTERSECT_PAIRS", 0)
    assert np.array_equal(dedup_verify.shared_counts(index, a, b, workers=2), np.array(expected))


def test_exact_groups_compare_the_words_whatever_the_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sequence keys only propose groups: the groups are those of the words themselves, whatever the keys."""
    posts, _ = generate.generate_posts(3000, seed=9)
    flat = dedup_flat.flatten(posts, AuditConfig(jobs=1), None)
    order = chronological_key(posts)
    found = dedup_verify.exact_groups(flat, posts, order, 5)
    # The plain definition: paragraphs with the same words in the same order;
    # a text in 5 posts or more (or 20 times in one) is boilerplate; any other
    # repeat links each later occurrence in a post to the first there, and
    # the first occurrences of each two posts to each other.
    by_words: dict[bytes, list[int]] = {}
    for g in np.flatnonzero(flat.lengths > 0).tolist():
        start = int(flat.word_start[g])
        by_words.setdefault(flat.hashes[start : start + int(flat.lengths[g])].tobytes(), []).append(g)
    n = len(flat.lengths)
    pairs: list[int] = []
    inactive: set[int] = set(np.flatnonzero(flat.lengths == 0).tolist())
    repeats: set[int] = set()
    for members in by_words.values():
        in_post: dict[int, list[int]] = {}
        for g in members:
            in_post.setdefault(int(flat.post_of[g]), []).append(g)
        if len(in_post) >= 5 or max(len(m) for m in in_post.values()) >= 20:
            inactive.update(members)
            continue
        firsts = [min(m) for m in in_post.values()]
        pairs.extend(a * n + b for a, b in itertools.combinations(sorted(firsts), 2))
        for first, *later in (sorted(m) for m in in_post.values()):
            pairs.extend(first * n + g for g in later)
            repeats.update(later)
    assert len(pairs) > 50 and found.boilerplate
    assert found.pairs.tolist() == sorted(pairs)
    assert set(np.flatnonzero(~found.active).tolist()) == inactive
    assert repeats and set(np.flatnonzero(found.repeats).tolist()) == repeats
    # Keys made in tiny blocks are the same keys.
    keys = dedup_verify.sequence_keys(flat)
    monkeypatch.setattr(dedup_verify, "_SEQUENCE_BLOCK_WORDS", 50)
    assert np.array_equal(dedup_verify.sequence_keys(flat), keys)
    # Every key equal: every paragraph is proposed, and the words still decide.
    monkeypatch.setattr(
        dedup_verify, "sequence_keys", lambda flat: np.zeros(len(flat.lengths), dtype=np.uint64)
    )
    colliding = dedup_verify.exact_groups(flat, posts, order, 5)
    assert np.array_equal(colliding.pairs, found.pairs)
    assert np.array_equal(colliding.active, found.active)
    assert colliding.boilerplate == found.boilerplate


hashes = st.lists(st.integers(0, 2**64 - 1), max_size=80).map(lambda v: np.array(v, dtype=np.uint64))


@given(hashes, st.integers(0, 64), st.integers(0, 8))
def test_posting_order_is_a_stable_argsort(values: np.ndarray, prefix_bits: int, repeats: int) -> None:
    """posting_order equals a stable argsort, also when short prefixes make different values clash."""
    # Repeated values (and so long runs of equal prefixes) as posting lists have them.
    values = np.concatenate([values, values[:repeats]])
    expected = np.argsort(values, kind="stable")
    local, ordered = dedup_candidates.posting_order(values, prefix_bits=prefix_bits)
    assert np.array_equal(local, expected)
    assert np.array_equal(ordered, values[expected])


@given(hashes.map(lambda v: (v >> np.uint64(3)) | np.uint64(5 << 61)))
def test_posting_order_skips_the_top_bits_all_values_share(values: np.ndarray) -> None:
    """Values of one hash range (same top bits) are ordered on the bits below those, as a stable argsort."""
    local, _ = dedup_candidates.posting_order(values, known_top_bits=3, prefix_bits=6)
    assert np.array_equal(local, np.argsort(values, kind="stable"))


# Words, odd spacing and punctuation, brackets (a lone "[]" normalises to no word), apostrophes.
texts = st.lists(
    st.sampled_from(["It", "[I]t", "[]", "’s", "don't", " ", "  ", "\n", ",", "—", "½", "ﬁne", "x"]),
    max_size=12,
).map("".join)


@given(texts)
def test_a_text_aligned_with_itself_takes_the_shortcut_to_the_same_result(text: str) -> None:
    """align_many of (text, text) skips tokenising word by word and still equals the full alignment."""
    assert dedup_align.align_many([(text, text)]) == [dedup_align.align(text, text)]


@given(st.lists(st.lists(st.integers(0, 2**63), max_size=7), max_size=6))
def test_concatenate_freeing_equals_concatenate(parts: list[list[int]]) -> None:
    """concatenate_freeing gives np.concatenate's result and leaves the list of parts empty."""
    arrays = [np.array(part, dtype=np.uint64) for part in parts]
    expected = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.uint64)
    got = dedup_flat.concatenate_freeing(arrays, np.uint64)
    assert got.dtype == np.uint64
    assert np.array_equal(got, expected)
    assert arrays == []
