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
from provenance.dedup import find_duplicates
from provenance.dedup import flat as dedup_flat
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
