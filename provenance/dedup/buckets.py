"""Integer keys gathered into buckets and handed back one bucket at a time, in bounded memory.

Two steps of the duplicate stage emit far more keys than they keep: the
shingle index emits one pair key per shared shingle (over 100 million at a
million paragraphs, of which it keeps a few million), and the passage finder
one anchor per shared shingle occurrence. Each only needs the keys of one
group together (a pair's counts, a chain's anchors), never all keys at once.
So the caller names a bucket for every key such that a group never spans two
buckets; keys are partitioned by bucket in batches, kept in memory up to
:data:`SPILL_BYTES`, and past that appended to one temporary file per bucket
(in a ``provenance-keys-*`` folder in ``TMPDIR``), the way external sorts
work. :meth:`ColumnBuckets.drain` then hands back each bucket's keys, and
the files are removed. The folder is locked while in use, so that a run
killed before removing it has it cleared by a later run
(:mod:`provenance.ownership`).

:class:`ColumnBuckets` holds rows of several columns (a shingle's hash and
where it starts: :func:`by_top_bits`); :class:`KeyBuckets` is its one-column
form for plain keys.
"""

from __future__ import annotations

import tempfile
from collections.abc import Generator, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from provenance.errors import TemporaryFilesError
from provenance.ownership import OwnedFolder

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


class ColumnBuckets:
    """Rows of one or more numpy columns in ``buckets`` buckets; see the module doc.

    A row is one value per column, like a shingle hash and where it starts.
    The columns are kept, partitioned and spilled as separate arrays, not as
    one array of records: numpy gathers a 12-byte record twice as slowly as
    an 8-byte and a 4-byte value together, and a record array must be built
    and split again, two more passes over every row.
    """

    def __init__(
        self,
        buckets: int,
        dtypes: Sequence[type[np.integer[Any]] | np.dtype[Any]],
        ordered: bool = False,
    ) -> None:
        """``ordered`` (one integer column): the caller promises a larger key never goes to an earlier bucket.

        Then a batch is partitioned by sorting the keys themselves (a SIMD
        sort, faster than a radix pass plus a gather) and each bucket's
        parts are sorted runs, which the final sort of a bucket likes.
        """
        if not 1 <= buckets <= 1 << 16:
            raise ValueError("between 1 and 65536 buckets")
        if not dtypes:
            raise ValueError("at least one column")
        if ordered and len(dtypes) != 1:
            raise ValueError("ordered buckets hold one column of keys")
        self._buckets = buckets
        self._ordered = ordered
        self._dtypes = tuple(np.dtype(dtype) for dtype in dtypes)
        # Per bucket, the parts held in memory: one tuple of column arrays each.
        self._held: list[list[tuple[npt.NDArray[Any], ...]]] = [[] for _ in range(buckets)]
        self._held_bytes = 0
        self._batch: list[tuple[tuple[npt.NDArray[Any], ...], npt.NDArray[np.uint16]]] = []
        self._batch_size = 0
        self._spill: OwnedFolder | None = None

    def add(self, columns: Sequence[npt.NDArray[Any]], bucket: npt.NDArray[np.integer[Any]]) -> None:
        """Add rows, the i-th (``columns[c][i]`` for each column ``c``) to bucket ``bucket[i]``."""
        if len(columns) != len(self._dtypes):
            raise ValueError(f"{len(self._dtypes)} columns expected, {len(columns)} given")
        if any(len(column) != len(bucket) for column in columns):
            raise ValueError("columns and buckets disagree")
        if not len(bucket):
            return
        self._batch.append(
            (
                tuple(
                    column.astype(dtype, copy=False)
                    for column, dtype in zip(columns, self._dtypes, strict=True)
                ),
                bucket.astype(np.uint16),
            )
        )
        self._batch_size += len(bucket)
        if self._batch_size >= BATCH_KEYS:
            self._partition()

    def _partition(self) -> None:
        if not self._batch:
            return
        columns = [np.concatenate([part[c] for part, _ in self._batch]) for c in range(len(self._dtypes))]
        bucket = np.concatenate([b for _, b in self._batch])
        self._batch, self._batch_size = [], 0
        if self._buckets == 1:
            pass  # nothing to partition
        elif self._ordered:
            columns[0].sort()
        else:
            # A stable sort of 16-bit bucket numbers is a radix sort: linear time.
            order = np.argsort(bucket, kind="stable")
            columns = [np.take(column, order) for column in columns]
            del order
        bounds = np.r_[0, np.cumsum(np.bincount(bucket, minlength=self._buckets))]
        del bucket
        for b in np.flatnonzero(bounds[1:] > bounds[:-1]).tolist():
            self._held[b].append(tuple(column[bounds[b] : bounds[b + 1]] for column in columns))
        self._held_bytes += sum(column.nbytes for column in columns)
        if self._spill is not None or self._held_bytes > SPILL_BYTES:
            self._write()

    def _file(self, bucket: int, column: int) -> Path:
        assert self._spill is not None
        suffix = f".c{column}" if column else ""
        return Path(self._spill.name) / f"bucket-{bucket:05}{suffix}.bin"

    def _write(self) -> None:
        try:
            if self._spill is None:
                self._spill = OwnedFolder()
            for bucket, parts in enumerate(self._held):
                if parts:
                    for c in range(len(self._dtypes)):
                        with self._file(bucket, c).open("ab") as out:
                            for part in parts:
                                part[c].tofile(out)
                    parts.clear()
        except OSError as exc:
            # A full TMPDIR is the usual cause, and the user's to fix: say which folder and how.
            raise TemporaryFilesError.writing(tempfile.gettempdir(), exc) from exc
        self._held_bytes = 0

    def drain(self) -> Generator[tuple[int, tuple[npt.NDArray[Any], ...]], None, None]:
        """Each non-empty bucket's rows, bucket by bucket; then everything is freed.

        Rows of a bucket come in the order they were added, except with
        ``ordered``, where the keys of a bucket come in sorted runs.
        """
        try:
            for bucket, count in enumerate(self.row_counts()):
                if not count:
                    continue
                columns = self.rows(bucket)
                self.forget(bucket)
                yield bucket, columns
        finally:
            self.close()

    def row_counts(self) -> list[int]:
        """How many rows each bucket holds (the rows added so far are partitioned first)."""
        self._partition()
        counts = [sum(len(part[0]) for part in parts) for parts in self._held]
        if self._spill is not None:
            for bucket in range(self._buckets):
                if self._file(bucket, 0).exists():
                    counts[bucket] += self._file(bucket, 0).stat().st_size // self._dtypes[0].itemsize
        return counts

    def rows(self, bucket: int) -> tuple[npt.NDArray[Any], ...]:
        """One bucket's rows, as :meth:`drain` gives them, left in place.

        A process forked after :meth:`row_counts` may read some buckets this way
        while its parent drains the others (each reads only its own).
        """
        parts = list(self._held[bucket])
        if self._spill is not None and self._file(bucket, 0).exists():
            parts.insert(
                0, tuple(np.fromfile(self._file(bucket, c), dtype=d) for c, d in enumerate(self._dtypes))
            )
        if not parts:
            return tuple(np.zeros(0, dtype=dtype) for dtype in self._dtypes)
        return tuple(
            parts[0][c] if len(parts) == 1 else np.concatenate([part[c] for part in parts])
            for c in range(len(self._dtypes))
        )

    def forget(self, bucket: int) -> None:
        """Free one bucket's rows (and remove its files)."""
        self._held[bucket] = []
        if self._spill is not None:
            for c in range(len(self._dtypes)):
                self._file(bucket, c).unlink(missing_ok=True)

    def close(self) -> None:
        """Drop every row and remove the temporary files, if any."""
        self._held = [[] for _ in range(self._buckets)]
        self._batch, self._batch_size, self._held_bytes = [], 0, 0
        if self._spill is not None:
            self._spill.cleanup()
            self._spill = None


class KeyBuckets:
    """Integer keys in ``buckets`` buckets: a :class:`ColumnBuckets` of one column."""

    def __init__(
        self, buckets: int, dtype: type[np.integer[Any]] | np.dtype[Any], ordered: bool = False
    ) -> None:
        """See :meth:`ColumnBuckets.__init__` for ``ordered``."""
        self.columns = ColumnBuckets(buckets, (dtype,), ordered)

    def add(self, keys: npt.NDArray[Any], bucket: npt.NDArray[np.integer[Any]]) -> None:
        """Add ``keys``, the i-th to bucket ``bucket[i]`` (0 <= bucket < buckets)."""
        self.columns.add((keys,), bucket)

    def drain(self) -> Generator[tuple[int, npt.NDArray[Any]], None, None]:
        """Each non-empty bucket's keys (in no set order), bucket by bucket; then everything is freed."""
        try:
            for bucket, (keys,) in self.columns.drain():
                yield bucket, keys
        finally:
            self.columns.close()  # also when the caller stops early

    def close(self) -> None:
        """Drop every key and remove the temporary files, if any."""
        self.columns.close()


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
    item_bytes = 8 + np.dtype(where_dtype).itemsize
    shift = np.uint64(64 - bits)

    def group_of(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint16]:
        return (hashes >> shift).astype(np.uint16) if bits else np.zeros(len(hashes), dtype=np.uint16)

    if total * item_bytes <= IN_MEMORY_BYTES:
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
    grouped = ColumnBuckets(1 << bits, (np.uint64, np.dtype(where_dtype)))
    try:
        for part_hashes, part_where in parts:
            grouped.add((part_hashes, part_where), group_of(part_hashes))
            del part_hashes, part_where
        # A bucket keeps the order its rows were added in.
        for _, (hashes, where) in grouped.drain():
            yield hashes, where
    finally:
        grouped.close()
