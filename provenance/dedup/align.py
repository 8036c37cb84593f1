"""Word alignment of two paragraphs with character offsets, so the report can highlight shared words.

A dump repeats the same texts many times (exact reprints, ledes repeated in
the body), so :func:`align_many` aligns each distinct pair of texts once and
tokenises each distinct text once, in worker processes when there are many.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from provenance.lcs import opcodes
from provenance.models import Alignment
from provenance.shingle import word_extent, word_spans
from provenance.workers import gathered, task_pool

__all__ = ["align", "align_many"]

# Below this many distinct text pairs, worker processes cost more than they save.
PARALLEL_MIN_PAIRS = 4_000
# Text pairs per task sent to a worker.
ALIGN_CHUNK = 2_000

_Spans = tuple[list[int], list[int], list[int]]


def align(text_a: str, text_b: str) -> Alignment:
    """Word alignment of two texts with character offsets into each.

    ``equal`` segments are runs of shared normalised words (longest common
    subsequence, rapidfuzz ``Indel``, through anchors on a pair of very long
    paragraphs: :mod:`provenance.lcs`); a deletion next to an insertion is
    reported as one ``replace``. Offsets are half-open; an empty side sits at
    the position where the other side's words would go.
    """
    return _align_spans(word_spans(text_a), len(text_a), word_spans(text_b), len(text_b))


def _align_spans(a: _Spans, len_a: int, b: _Spans, len_b: int) -> Alignment:
    return Alignment(_align_rows(a, len_a, b, len_b))


_Row = tuple[str, int, int, int, int]


def _align_rows(a: _Spans, len_a: int, b: _Spans, len_b: int) -> list[_Row]:
    # Words compare by their stable hashes (equal words, equal hashes), which
    # is all the longest common subsequence looks at.
    hash_a, start_a, end_a = a
    hash_b, start_b, end_b = b

    def span(starts: list[int], ends: list[int], i: int, j: int, length: int) -> tuple[int, int]:
        if i < j:
            return starts[i], ends[j - 1]
        at = starts[i] if i < len(starts) else (ends[-1] if ends else length)
        return at, at

    raw: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in opcodes(hash_a, hash_b):
        if raw and {raw[-1][0], tag} == {"delete", "insert"}:
            prev = raw.pop()
            raw.append(("replace", prev[1], i2, prev[3], j2))
            continue
        raw.append((tag, i1, i2, j1, j2))
    rows = []
    for tag, i1, i2, j1, j2 in raw:
        a_start, a_end = span(start_a, end_a, i1, i2, len_a)
        b_start, b_end = span(start_b, end_b, j1, j2, len_b)
        rows.append((tag, a_start, a_end, b_start, b_end))
    return rows


def _align_chunk(jobs: Sequence[tuple[str, str]]) -> list[list[_Row]]:
    # Plain tuples travel back from a worker far cheaper than Segment objects.
    spans: dict[str, _Spans] = {}

    def spans_of(text: str) -> _Spans:
        found = spans.get(text)
        if found is None:
            found = spans[text] = word_spans(text)
        return found

    def rows(a: str, b: str) -> list[_Row]:
        if a == b:
            # A text against itself (an exact reprint, the commonest pair): one
            # equal segment over its words, without tokenising it word by word.
            extent = word_extent(a)
            return [("equal", *extent, *extent)] if extent else []
        return _align_rows(spans_of(a), len(a), spans_of(b), len(b))

    return [rows(a, b) for a, b in jobs]


def align_many(
    jobs: Sequence[tuple[str, str]],
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> list[Alignment]:
    """:func:`align` of every ``(text_a, text_b)``, in order; each distinct pair is aligned once.

    With ``workers > 1`` and enough distinct pairs, chunks go to that many
    processes. ``progress(done, total)`` hears the distinct pairs aligned
    after each chunk (alignment is the longest step after the indexes: some
    40 s at 2.4 million paragraphs).
    """
    distinct: dict[tuple[str, str], int] = {}
    slot = [distinct.setdefault(job, len(distinct)) for job in jobs]
    unique = list(distinct)
    del distinct
    # Pairs sharing their first text sit together, so a chunk tokenises it once.
    order = sorted(range(len(unique)), key=lambda i: unique[i])
    ordered = [unique[i] for i in order]
    chunks = [ordered[i : i + ALIGN_CHUNK] for i in range(0, len(ordered), ALIGN_CHUNK)]
    if workers > 1 and len(unique) >= PARALLEL_MIN_PAIRS:
        with task_pool(min(workers, len(chunks))) as pool:
            results = gathered(pool.map(_align_chunk, chunks), len(unique), progress)
    else:
        results = gathered(map(_align_chunk, chunks), len(unique), progress)
    by_unique: list[Alignment] = [Alignment()] * len(unique)
    for position, index in enumerate(order):
        by_unique[index] = Alignment(results[position])
    return [by_unique[s] for s in slot]
