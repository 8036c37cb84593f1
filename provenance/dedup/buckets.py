"""Integer keys gathered into buckets and handed back one bucket at a time, in bounded memory.

Two steps of the duplicate stage emit far more keys than they keep: the
shingle index emits one pair key per shared shingle (some 200 million at a
million paragraphs, of which it keeps a few million), and the passage finder
one anchor per shared shingle occurrence. Each only needs the keys of one
group together (a pair's counts, a chain's anchors), never all keys at once.
So the caller names a bucket for every key such that a group never spans two
buckets; keys are partitioned by bucket in batches, kept in memory up to
:data:`SPILL_BYTES`, and past that appended to one temporary file per bucket
(in ``TMPDIR``), the way external sorts work. :meth:`KeyBuckets.drain` then
hands back each bucket's keys, and the files are removed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

# Keys held in memory, in bytes, before the buckets go to temporary files.
# Up to four bucket sets are live at once at a million paragraphs (two in
# the index, two in the reuse process), so this is a quarter of what they
# may hold together.
SPILL_BYTES = 64 << 20
# A caller whose items fit in this many bytes holds them all at once
# instead of bucketing them (faster; the index and the passage finder on
# dumps up to some 200,000 paragraphs).
IN_MEMORY_BYTES = 128 << 20
# Keys partitioned together (bounds the partition's temporaries).
BATCH_KEYS = 2_000_000


class KeyBuckets:
    """Keys of one numpy dtype in ``buckets`` buckets; see the module doc.

    Keys are integers, or records (a structured dtype) when a group needs
    more than one value per item, like a shingle and where it starts.
    """

    def __init__(
        self, buckets: int, dtype: type[np.integer[Any]] | np.dtype[Any], ordered: bool = False
    ) -> None:
        """``ordered`` (integer keys): the caller promises that a larger key never goes to an earlier bucket.

        Then a batch is partitioned by sorting the keys themselves (a SIMD
        sort, faster than a radix pass plus a gather) and each bucket's
        parts are sorted runs, which the final sort of a bucket likes.
        """
        if not 1 <= buckets <= 1 << 16:
            raise ValueError("between 1 and 65536 buckets")
        self._buckets = buckets
        self._ordered = ordered
        self._dtype = np.dtype(dtype)
        self._held: list[list[npt.NDArray[Any]]] = [[] for _ in range(buckets)]
        self._held_bytes = 0
        self._batch: list[tuple[npt.NDArray[Any], npt.NDArray[np.uint16]]] = []
        self._batch_size = 0
        self._spill: tempfile.TemporaryDirectory[str] | None = None

    def add(self, keys: npt.NDArray[Any], bucket: npt.NDArray[np.integer[Any]]) -> None:
        """Add ``keys``, the i-th to bucket ``bucket[i]`` (0 <= bucket < buckets)."""
        if len(keys) != len(bucket):
            raise ValueError("keys and buckets disagree")
        if not len(keys):
            return
        self._batch.append((keys.astype(self._dtype, copy=False), bucket.astype(np.uint16)))
        self._batch_size += len(keys)
        if self._batch_size >= BATCH_KEYS:
            self._partition()

    def _partition(self) -> None:
        if not self._batch:
            return
        keys = np.concatenate([k for k, _ in self._batch])
        bucket = np.concatenate([b for _, b in self._batch])
        self._batch, self._batch_size = [], 0
        if self._buckets == 1:
            pass  # nothing to partition
        elif self._ordered:
            keys.sort()
        else:
            # A stable sort of 16-bit bucket numbers is a radix sort: linear time.
            # np.take, because fancy indexing gathers 12-byte records four times slower.
            keys = np.take(keys, np.argsort(bucket, kind="stable"))
        bounds = np.r_[0, np.cumsum(np.bincount(bucket, minlength=self._buckets))]
        del bucket
        for b in np.flatnonzero(bounds[1:] > bounds[:-1]).tolist():
            self._held[b].append(keys[bounds[b] : bounds[b + 1]])
        self._held_bytes += keys.nbytes
        if self._spill is not None or self._held_bytes > SPILL_BYTES:
            self._write()

    def _file(self, bucket: int) -> Path:
        assert self._spill is not None
        return Path(self._spill.name) / f"bucket-{bucket:05}.bin"

    def _write(self) -> None:
        if self._spill is None:
            self._spill = tempfile.TemporaryDirectory(prefix="provenance-keys-")
        for bucket, parts in enumerate(self._held):
            if parts:
                with self._file(bucket).open("ab") as out:
                    for part in parts:
                        part.tofile(out)
                parts.clear()
        self._held_bytes = 0

    def drain(self) -> Iterator[tuple[int, npt.NDArray[Any]]]:
        """Each non-empty bucket's keys (in no set order), bucket by bucket; then everything is freed."""
        try:
            self._partition()
            for bucket in range(self._buckets):
                parts, self._held[bucket] = self._held[bucket], []
                if self._spill is not None and self._file(bucket).exists():
                    parts.insert(0, np.fromfile(self._file(bucket), dtype=self._dtype))
                    self._file(bucket).unlink()
                if parts:
                    keys = parts[0] if len(parts) == 1 else np.concatenate(parts)
                    del parts
                    yield bucket, keys
        finally:
            self.close()

    def close(self) -> None:
        """Drop every key and remove the temporary files, if any."""
        self._held = [[] for _ in range(self._buckets)]
        self._batch, self._batch_size, self._held_bytes = [], 0, 0
        if self._spill is not None:
            self._spill.cleanup()
            self._spill = None


def by_top_bits(
    parts: Iterable[tuple[npt.NDArray[np.uint64], npt.NDArray[Any]]],
    total: int,
    bits: int,
    where_dtype: npt.DTypeLike,
) -> Generator[tuple[npt.NDArray[np.uint64], npt.NDArray[Any]], None, None]:
    """64-bit hashes with a position each, made part by part, handed back grouped by their top ``bits`` bits.

    Every occurrence of a hash lands in one group, and inside a group the
    positions keep the order the parts gave them. When the ``total`` items
    fit :data:`IN_MEMORY_BYTES` the parts are joined and each group is
    picked out of them (the fast route); otherwise each part is bucketed as
    it comes, through temporary files past :data:`SPILL_BYTES`, so all items
    are never held at once. Both routes give the same non-empty groups, in
    group order. Close the generator to drop the files early.
    """
    record = np.dtype([("hash", np.uint64), ("where", where_dtype)])
    shift = np.uint64(64 - bits)

    def group_of(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint16]:
        return (hashes >> shift).astype(np.uint16) if bits else np.zeros(len(hashes), dtype=np.uint16)

    if total * record.itemsize <= IN_MEMORY_BYTES:
        made = list(parts)
        hashes = np.concatenate([h for h, _ in made]) if made else np.zeros(0, dtype=np.uint64)
        where = np.concatenate([w for _, w in made]).astype(where_dtype) if made else np.zeros(0, where_dtype)
        del made
        if not bits:
            if len(hashes):
                yield hashes, where
            return
        group = group_of(hashes)
        for g in range(1 << bits):
            members = np.flatnonzero(group == g)
            if len(members):
                yield hashes[members], where[members]
        return
    grouped = KeyBuckets(1 << bits, record)
    try:
        for part_hashes, part_where in parts:
            found = np.empty(len(part_hashes), dtype=record)
            found["hash"], found["where"] = part_hashes, part_where
            del part_hashes, part_where
            grouped.add(found, group_of(found["hash"]))
        # A bucket keeps the order its items were added in.
        for _, found in grouped.drain():
            yield np.ascontiguousarray(found["hash"]), np.ascontiguousarray(found["where"])
    finally:
        grouped.close()
