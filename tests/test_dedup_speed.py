"""The fast paths of the duplicate stage give exactly what the plain ones give."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import provenance.dedup as dedup
from provenance.config import AuditConfig
from provenance.dedup import candidates as dedup_candidates
from provenance.dedup import find_duplicates
from provenance.dedup import flat as dedup_flat
from provenance.dedup import verify as dedup_verify
from provenance.dedup.flat import difference, sorted_unique, sorted_unique_counts, union

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


def test_parallel_steps_give_the_serial_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing, alignment and post reuse in worker processes give exactly the serial pairs and reuse."""
    posts, _ = generate.generate_posts(1500, seed=3)
    serial = find_duplicates(posts, AuditConfig(jobs=1))
    assert len(serial.pairs) > 100
    monkeypatch.setattr(dedup_flat, "PARALLEL_MIN_PARAGRAPHS", 1)
    monkeypatch.setattr(dedup_flat, "CHUNK", 200)
    monkeypatch.setattr(dedup_align, "PARALLEL_MIN_PAIRS", 1)
    monkeypatch.setattr(dedup_align, "ALIGN_CHUNK", 50)
    monkeypatch.setattr(dedup, "PARALLEL_REUSE_MIN_PARAGRAPHS", 1)
    parallel = find_duplicates(posts, AuditConfig(jobs=2))
    assert parallel.stats["workers"] == 2
    assert parallel.pairs == serial.pairs
    assert parallel.clusters == serial.clusters
    assert parallel.reuse == serial.reuse
    assert parallel.boilerplate == serial.boilerplate


def test_index_in_tiny_blocks_equals_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index built in tiny paragraph blocks, hash ranges and pair buckets equals the one-block index."""
    posts, _ = generate.generate_posts(1500, seed=5)
    # A low cap puts many shingles over it, so the over-cap counts are exercised too.
    monkeypatch.setattr(dedup_candidates, "DF_CAP", 6)
    config = AuditConfig(jobs=1)
    flat = dedup_flat.flatten(posts, config, None)
    active = flat.lengths > 0
    whole = [dedup_candidates.build_index(flat, active, k) for k in (3, 5)]
    whole_result = find_duplicates(posts, config)
    monkeypatch.setattr(dedup_candidates, "_BLOCK_SHINGLES", 97)
    monkeypatch.setattr(dedup_candidates, "_PENDING_KEYS", 101)
    blocked = [dedup_candidates.build_index(flat, active, k) for k in (3, 5)]
    for one, many in zip(whole, blocked, strict=True):
        assert len(one.keys) > 500 and int(one.over_cap.sum()) > 0
        for field in ("by_paragraph", "start", "sizes", "over_cap", "keys", "counts"):
            assert np.array_equal(getattr(one, field), getattr(many, field)), field
    # ... and the duplicates found through it are the same.
    blocked_result = find_duplicates(posts, config)
    assert blocked_result.pairs == whole_result.pairs
    assert blocked_result.clusters == whole_result.clusters
    assert blocked_result.reuse == whole_result.reuse


def test_shared_counts_equal_full_intersections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Index counts plus intersected over-cap shingles equal a full intersection of both shingle sets."""
    posts, _ = generate.generate_posts(1500, seed=5)
    monkeypatch.setattr(dedup_candidates, "DF_CAP", 6)
    flat = dedup_flat.flatten(posts, AuditConfig(jobs=1), None)
    index = dedup_candidates.build_index(flat, flat.lengths > 0, 3)
    n = len(flat.lengths)
    keys = index.keys.astype(np.int64)
    a, b = keys // n, keys % n
    # Pairs sharing no indexed shingle too (both sides over the cap, adjacent paragraphs).
    hidden = np.flatnonzero(index.over_cap > 0)
    a = np.concatenate([a, hidden[:-1]])
    b = np.concatenate([b, hidden[1:]])
    pairs = zip(a.tolist(), b.tolist(), strict=True)
    expected = [len(np.intersect1d(index.shingles_of(x), index.shingles_of(y))) for x, y in pairs]
    assert int((index.over_cap > 0).sum()) > 100
    assert np.array_equal(dedup_verify.shared_counts(index, a, b), np.array(expected))
    assert np.array_equal(dedup_verify.intersections(index, a, b), np.array(expected))
