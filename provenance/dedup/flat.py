"""Every paragraph of the dump as flat numpy arrays: the common input of every dedup step.

Words are hashed once (:mod:`provenance.shingle`), in worker processes when
the dump is large, and concatenated so later steps work on whole arrays
instead of per-paragraph Python objects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt

from provenance.config import AuditConfig
from provenance.models import ParagraphRef, Post
from provenance.quotes import many_quoted_words
from provenance.shingle import many_word_hashes
from provenance.workers import release_free_memory, task_pool

Progress = Callable[[str, int, int | None], None]
IntArray = npt.NDArray[np.int64]
HashArray = npt.NDArray[np.uint64]

# Below this many paragraphs, worker processes cost more than they save.
PARALLEL_MIN_PARAGRAPHS = 20_000
# Paragraphs per task sent to a worker: large enough to amortise pickling.
CHUNK = 4_000


@dataclass(slots=True)
class Flat:
    """All paragraphs of the dump as flat arrays, indexed by a global paragraph number (input order)."""

    refs: list[ParagraphRef]
    texts: list[str]
    post_of: IntArray  # index in ``posts`` of each paragraph's post
    lengths: IntArray  # words per paragraph
    word_start: IntArray  # offset of each paragraph's first word in ``hashes``
    hashes: HashArray  # every paragraph's word hashes, concatenated
    workers: int  # processes used for hashing
    # Whether each word of ``hashes`` lies inside a quotation (provenance.quotes).
    quoted: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))


def flatten(posts: Sequence[Post], config: AuditConfig, progress: Progress | None) -> Flat:
    """Hash every paragraph's words and lay the dump out as :class:`Flat` arrays."""
    refs: list[ParagraphRef] = []
    texts: list[str] = []
    post_of: list[int] = []
    for index, post in enumerate(posts):
        for paragraph in post.paragraphs:
            refs.append(ParagraphRef(post.id, paragraph.index))
            texts.append(paragraph.text)
            post_of.append(index)
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    results: list[tuple[IntArray, HashArray, npt.NDArray[np.bool_]]] = []
    workers = min(config.workers, len(chunks))
    if len(texts) >= PARALLEL_MIN_PARAGRAPHS and workers > 1:
        task = partial(hash_words, min_quote_words=config.min_quote_words)
        with task_pool(workers) as pool:
            for done, result in enumerate(pool.map(task, chunks), 1):
                results.append(result)
                if progress:
                    progress("dedup: hashing words", min(done * CHUNK, len(texts)), len(texts))
    else:
        workers = 1
        for done, chunk in enumerate(chunks, 1):
            results.append(hash_words(chunk, config.min_quote_words))
            if progress and len(chunks) > 1:
                progress("dedup: hashing words", min(done * CHUNK, len(texts)), len(texts))
    length_parts, hash_parts, quoted_parts = (
        (list(column) for column in zip(*results, strict=True)) if results else ([], [], [])
    )
    del results
    lengths = concatenate_freeing(length_parts, np.int64)
    hashes = concatenate_freeing(hash_parts, np.uint64)
    quoted = concatenate_freeing(quoted_parts, bool)
    word_start = np.zeros(len(lengths), dtype=np.int64)
    if len(lengths) > 1:
        np.cumsum(lengths[:-1], out=word_start[1:])
    flat = Flat(refs, texts, np.array(post_of, dtype=np.int64), lengths, word_start, hashes, workers, quoted)
    # The workers' chunks came back through the C heap, which keeps what is freed.
    release_free_memory()
    return flat


def hash_words(
    texts: Sequence[str], min_quote_words: int = 6
) -> tuple[IntArray, HashArray, npt.NDArray[np.bool_]]:
    """Word counts, concatenated word hashes and quotation flags of a chunk of paragraphs (a worker task)."""
    lengths, hashes = many_word_hashes(texts)
    return lengths, hashes, many_quoted_words(texts, lengths, min_quote_words)


def segments(start: IntArray, stop: IntArray) -> IntArray:
    """The concatenation of ``arange(start[i], stop[i])`` for every i, without a Python loop."""
    counts = stop - start
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(start - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return np.arange(total, dtype=np.int64) + offsets


def sorted_unique(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The distinct values, sorted: ``np.unique`` by an explicit sort.

    numpy 2.3+ answers a plain ``np.unique`` of integers from a hash table,
    which on millions of pair keys is about a hundred times slower than
    sorting (SIMD sorts) and dropping repeats.
    """
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def sorted_unique_counts(values: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], IntArray]:
    """The distinct values, sorted, and how often each occurs (``np.unique(..., return_counts=True)``)."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered, np.zeros(0, dtype=np.int64)
    first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[first], np.diff(np.r_[first, len(ordered)]).astype(np.int64)


#: Bytes of parts :func:`concatenate_freeing` copies between two hand-backs of freed memory.
FREEING_TRIM_BYTES = 128 << 20


def concatenate_freeing(parts: list[npt.NDArray[Any]], dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    """``np.concatenate(parts)``, emptying ``parts`` as it copies them.

    The result's pages are only taken as they are written, and each part is
    dropped once copied, so the peak is the result plus one part instead of
    twice the result (at a million paragraphs, a quarter of a gigabyte; at
    2.4 million the word hashes' 1.3 GB twice, the hashing step's peak).
    Parts of a few MB, like the workers' chunks of word hashes, come from
    the C heap, which keeps what is freed: it is handed back every
    :data:`FREEING_TRIM_BYTES` of parts copied.
    """
    out = np.empty(sum(len(part) for part in parts), dtype=dtype)
    at = copied = 0
    parts.reverse()
    while parts:
        part = parts.pop()  # the list lets go of each part as it is copied
        out[at : at + len(part)] = part
        at += len(part)
        copied += part.nbytes
        del part
        if copied >= FREEING_TRIM_BYTES:
            release_free_memory()
            copied = 0
    return out


def union(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``np.union1d`` through :func:`sorted_unique`."""
    return sorted_unique(np.concatenate([a, b]))


def difference(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``np.setdiff1d``: the distinct values of ``a`` not in ``b``, sorted."""
    a = sorted_unique(a)
    if len(b) == 0 or len(a) == 0:
        return a
    b = np.sort(b)
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return a[b[at] != a]
