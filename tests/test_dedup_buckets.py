"""KeyBuckets and ColumnBuckets give back every row in its bucket, in memory or spilled, then clean up."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.dedup import buckets
from provenance.dedup.buckets import ColumnBuckets, KeyBuckets

batches = st.lists(
    st.lists(st.tuples(st.integers(0, 2**40), st.integers(0, 4)), max_size=30), min_size=1, max_size=6
)


@given(batches, st.booleans(), st.booleans())
def test_every_key_comes_back_once_in_its_bucket(
    batches: list[list[tuple[int, int]]], spill: bool, ordered: bool
) -> None:
    """Whatever the batching and spilling, each bucket gives back exactly the keys added to it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(buckets, "BATCH_KEYS", 7)
        patch.setattr(buckets, "SPILL_BYTES", 0 if spill else 1 << 30)
        writes: list[bool] = []
        real_write = ColumnBuckets._write

        def write(self: ColumnBuckets) -> None:
            writes.append(True)
            real_write(self)

        patch.setattr(ColumnBuckets, "_write", write)
        store = KeyBuckets(5, np.int64, ordered=ordered)
        expected: dict[int, Counter[int]] = {}
        for batch in batches:
            keys = np.array([key for key, _ in batch], dtype=np.int64)
            # Ordered buckets: the bucket follows from the key (2**40 / 5 keys per bucket).
            where = keys // (2**40 // 5 + 1) if ordered else np.array([b for _, b in batch], dtype=np.int64)
            batch = list(zip(keys.tolist(), where.tolist(), strict=True))
            store.add(keys, where)
            for key, bucket in batch:
                expected.setdefault(bucket, Counter())[key] += 1
        # Counted and read in place (as a forked process reads them), the buckets stay whole ...
        counts = store.columns.row_counts()
        assert counts == [sum(expected.get(bucket, Counter()).values()) for bucket in range(5)]
        in_place = {b: Counter(store.columns.rows(b)[0].tolist()) for b in range(5) if counts[b]}
        assert in_place == expected
        # ... for the drain, which gives the same.
        got = {bucket: Counter(keys.tolist()) for bucket, keys in store.drain()}
    assert got == expected
    # Keys went to temporary files exactly when the budget said so.
    assert bool(writes) == (spill and bool(expected))


def test_temporary_files_are_removed_even_when_draining_stops_early(monkeypatch: pytest.MonkeyPatch) -> None:
    """A drain abandoned half-way (an error in the caller) still removes the spill folder."""
    monkeypatch.setattr(buckets, "SPILL_BYTES", 0)
    monkeypatch.setattr(buckets, "BATCH_KEYS", 4)
    store = KeyBuckets(3, np.uint64)
    store.add(np.arange(30, dtype=np.uint64), np.arange(30) % 3)
    assert store.columns._spill is not None
    folder = Path(store.columns._spill.name)
    assert sorted(p.name for p in folder.iterdir()) == [
        ".owner",  # its lock says the folder is in use (provenance.ownership)
        "bucket-00000.bin",
        "bucket-00001.bin",
        "bucket-00002.bin",
    ]
    drained = store.drain()
    bucket, keys = next(drained)
    assert bucket == 0 and sorted(keys.tolist()) == list(range(0, 30, 3))
    drained.close()
    assert not folder.exists()


def test_mismatched_keys_and_buckets_are_refused() -> None:
    """Keys and bucket numbers of different lengths are an error, not a silent truncation."""
    with pytest.raises(ValueError, match="disagree"):
        KeyBuckets(2, np.int64).add(np.arange(3), np.zeros(2, dtype=np.int64))
    with pytest.raises(ValueError, match="disagree"):
        ColumnBuckets(2, (np.int64, np.int32)).add((np.arange(3), np.arange(2)), np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="2 columns expected"):
        ColumnBuckets(2, (np.int64, np.int32)).add((np.arange(3),), np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="one column"):
        ColumnBuckets(2, (np.int64, np.int32), ordered=True)


@given(batches, st.booleans())
def test_columns_of_a_row_stay_together_in_the_order_added(
    batches: list[list[tuple[int, int]]], spill: bool
) -> None:
    """Every row comes back whole, in its bucket, rows of one bucket in the order they were added."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(buckets, "BATCH_KEYS", 5)
        patch.setattr(buckets, "SPILL_BYTES", 0 if spill else 1 << 30)
        store = ColumnBuckets(5, (np.uint64, np.int32))
        expected: dict[int, list[tuple[int, int]]] = {}
        row = 0
        for batch in batches:
            keys = np.array([key for key, _ in batch], dtype=np.uint64)
            where = np.arange(row, row + len(batch), dtype=np.int32)
            row += len(batch)
            bucket = np.array([b for _, b in batch], dtype=np.int64)
            store.add((keys, where), bucket)
            for key, at, b in zip(keys.tolist(), where.tolist(), bucket.tolist(), strict=True):
                expected.setdefault(b, []).append((key, at))
        got = {}
        for b, (keys, where) in store.drain():
            assert keys.dtype == np.uint64 and where.dtype == np.int32
            got[b] = list(zip(keys.tolist(), where.tolist(), strict=True))
    assert got == expected


@given(
    st.lists(st.lists(st.integers(0, 2**64 - 1), max_size=20), max_size=5),
    st.integers(0, 3),
    st.booleans(),
)
def test_by_top_bits_groups_in_order_either_way(parts: list[list[int]], bits: int, in_memory: bool) -> None:
    """by_top_bits gives each non-empty group, positions in the order given, in memory or bucketed."""
    arrays = []
    at = 0
    for part in parts:
        arrays.append((np.array(part, dtype=np.uint64), np.arange(at, at + len(part))))
        at += len(part)
    everything = [
        (h, w) for hashes, where in arrays for h, w in zip(hashes.tolist(), where.tolist(), strict=True)
    ]
    expected = []
    for group in range(1 << bits):
        members = [(h, w) for h, w in everything if (h >> (64 - bits) if bits else 0) == group]
        if members:
            expected.append(members)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(buckets, "IN_MEMORY_BYTES", 1 << 30 if in_memory else 0)
        patch.setattr(buckets, "SPILL_BYTES", 0)
        patch.setattr(buckets, "BATCH_KEYS", 3)
        got = [
            list(zip(hashes.tolist(), where.tolist(), strict=True))
            for hashes, where in buckets.by_top_bits(iter(arrays), at, bits, np.int32)
        ]
    assert got == expected
