"""MinHash sketches of paragraphs as datasketch ``LeanMinHash``: the ones a store keeps with ``--sketches``.

The audit finds its pairs with a shingle index and computes MinHash
signatures only for the paragraphs that index cannot serve, keeping none
(:mod:`provenance.dedup.candidates`). A sketch of every paragraph is for
afterwards: with a store that keeps them, a text that arrives later (an
article, a leaked draft) can be compared with every paragraph ever audited
into the store, with datasketch's own ``MinHashLSH`` or ``jaccard``, without
auditing again (``docs/store.md`` shows how).

A sketch is computed exactly as the duplicate stage computes one: the
paragraph's normalised words (:mod:`provenance.shingle`), its
``shingle_size``-word shingles (a paragraph shorter than that has one, all
its words), folded to 32 bits and hashed by datasketch's ``affine32``
scheme with ``num_perm`` permutations and ``seed``
(:func:`provenance.dedup.candidates.signatures`, the same arithmetic as
``MinHash.update_batch``). A text with no word has no sketch. So the sketch of
a stored paragraph's text is the stored sketch, and two texts' estimated
Jaccard similarity is the one the audit's ``near`` pairs rest on.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from provenance.config import AuditConfig
from provenance.dedup.candidates import MINHASH_SCHEME, signatures
from provenance.shingle import many_word_hashes, shingle_values

if TYPE_CHECKING:
    from datasketch import LeanMinHash

#: The byte order of a stored sketch (``LeanMinHash.serialize``): little-endian, the same on any machine
#: that reads the store. ``LeanMinHash.deserialize(blob, byteorder="<")`` reads it back.
BYTE_ORDER = "<"

#: Paragraphs sketched at once: bounds the signatures' temporary arrays and a store's batch of rows.
BATCH = 2_000


def sketch(text: str, config: AuditConfig | None = None) -> LeanMinHash | None:
    """The sketch of one text, as a store audited with ``config`` keeps it; None for a text with no word.

    ``config`` must have the store's ``shingle_size``, ``num_perm`` and
    ``seed`` (the defaults, if the store was audited with them).
    """
    return sketches([text], config)[0]


def sketches(texts: Sequence[str], config: AuditConfig | None = None) -> list[LeanMinHash | None]:
    """:func:`sketch` of many texts, computed together (one signature array per batch)."""
    from datasketch import LeanMinHash  # imported when needed: datasketch imports scipy (half a second)

    config = config or AuditConfig()
    found: list[LeanMinHash | None] = []
    for start in range(0, len(texts), BATCH):
        batch = texts[start : start + BATCH]
        lengths, hashes = many_word_hashes(batch)
        shingle_hashes, counts = shingle_values(hashes, lengths, config.shingle_size)
        worded = np.flatnonzero(counts > 0)
        rows = signatures(shingle_hashes, counts[worded], config.num_perm, config.seed)
        row_of = dict(zip(worded.tolist(), range(len(worded)), strict=True))
        found += [
            None
            if i not in row_of
            else LeanMinHash(seed=config.seed, hashvalues=rows[row_of[i]], scheme=MINHASH_SCHEME)
            for i in range(len(batch))
        ]
    return found


def to_bytes(lean: LeanMinHash) -> bytes:
    """A sketch as a store keeps it: ``LeanMinHash.serialize`` in :data:`BYTE_ORDER`."""
    buffer = bytearray(lean.bytesize(byteorder=BYTE_ORDER))
    lean.serialize(buffer, byteorder=BYTE_ORDER)
    return bytes(buffer)


def from_bytes(blob: bytes) -> LeanMinHash:
    """A stored sketch read back (``LeanMinHash.deserialize`` in :data:`BYTE_ORDER`)."""
    from datasketch import LeanMinHash

    return LeanMinHash.deserialize(blob, byteorder=BYTE_ORDER)


def sketch_values(blobs: Sequence[bytes], num_perm: int, seed: int) -> np.ndarray:
    """Stored sketches' hash values as one ``(len(blobs), num_perm)`` array, with no ``LeanMinHash`` each.

    A blob is what :func:`to_bytes` writes of an ``affine32`` sketch: seed
    (int64), minus the number of values (int32), the scheme's code (one
    byte), then the values (uint32), little-endian. Reading a batch as one
    array is what lets :mod:`provenance.store.search` compare a store's every
    sketch with a text in a second, where a ``LeanMinHash`` each took four.
    Raises ValueError for a blob of another size, seed, length or scheme.
    """
    header = np.dtype([("seed", "<i8"), ("length", "<i4"), ("scheme", "u1")])
    record = np.dtype([("header", header), ("values", "<u4", (num_perm,))])
    if any(len(blob) != record.itemsize for blob in blobs):
        raise ValueError(f"a stored sketch is not {record.itemsize} bytes long ({num_perm} values)")
    read = np.frombuffer(b"".join(blobs), dtype=record)
    code = _scheme_code()
    heads = read["header"]
    if len(read) and not (
        (heads["seed"] == seed).all()
        and (heads["length"] == -num_perm).all()
        and (heads["scheme"] == code).all()
    ):
        raise ValueError(
            f"a stored sketch was not made with seed {seed}, {num_perm} values, {MINHASH_SCHEME}"
        )
    return read["values"].astype(np.uint32)


@functools.cache
def _scheme_code() -> int:
    """The byte datasketch writes for :data:`MINHASH_SCHEME`, read from a sketch it serialises."""
    from datasketch import LeanMinHash

    made = LeanMinHash(seed=0, hashvalues=np.zeros(1, dtype=np.uint64), scheme=MINHASH_SCHEME)
    return to_bytes(made)[12]


def sketch_rows(
    texts: Iterator[tuple[str, str]], config: AuditConfig
) -> Iterator[list[tuple[str, bytes | None]]]:
    """``(key, text)`` pairs to batches of ``(key, sketch bytes)``, None for a text with no word."""
    while batch := [item for _, item in zip(range(BATCH), texts, strict=False)]:
        keys = [key for key, _ in batch]
        made = sketches([text for _, text in batch], config)
        yield [(key, None if lean is None else to_bytes(lean)) for key, lean in zip(keys, made, strict=True)]


def made_with() -> dict[str, str]:
    """What makes a sketch besides the store's parameters: datasketch's version, the scheme, the byte order.

    A store keeps it in ``meta`` under ``sketches``; sketches made otherwise are never mixed with these.
    """
    from importlib.metadata import version as installed

    return {"datasketch": installed("datasketch"), "scheme": MINHASH_SCHEME, "byte_order": BYTE_ORDER}
