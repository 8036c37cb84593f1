"""Turn a pair's ``alignment`` into marked-up runs of text for the side-by-side view.

The dedup stage aligns two paragraphs word by word and stores the result as
``[op, a_start, a_end, b_start, b_end]`` character offsets. The report only
has to cut each text at those offsets and label the pieces; it never
re-aligns, so what the reader sees is exactly what the audit measured.
Offsets are clipped to the text, and gaps the alignment leaves (whitespace
between words) are kept as plain text, so no character is ever lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

RunKind = Literal["plain", "same", "changed", "deleted", "inserted"]

# What an alignment op means on each side: on side a an ``insert`` covers no
# text (the words exist only in b), on side b a ``delete`` covers none.
_ON_A: dict[str, RunKind] = {"equal": "same", "replace": "changed", "delete": "deleted", "insert": "plain"}
_ON_B: dict[str, RunKind] = {"equal": "same", "replace": "changed", "delete": "plain", "insert": "inserted"}


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of one paragraph's text and how it relates to the other paragraph."""

    kind: RunKind
    text: str


def _runs(text: str, cuts: Iterable[tuple[int, int, RunKind]]) -> tuple[Run, ...]:
    runs: list[Run] = []
    position = 0

    def add(kind: RunKind, piece: str) -> None:
        if not piece:
            return
        if runs and runs[-1].kind == kind:
            runs[-1] = Run(kind, runs[-1].text + piece)
        else:
            runs.append(Run(kind, piece))

    for start, end, kind in sorted(cuts):
        start = max(position, min(start, len(text)))
        end = max(start, min(end, len(text)))
        add("plain", text[position:start])
        add(kind, text[start:end])
        position = end
    add("plain", text[position:])
    return tuple(runs)


def _segments(alignment: object) -> list[tuple[str, int, int, int, int]]:
    segments: list[tuple[str, int, int, int, int]] = []
    if not isinstance(alignment, Sequence):
        return segments
    for item in alignment:
        if isinstance(item, Sequence) and len(item) == 5 and item[0] in _ON_A:
            try:
                op, a0, a1, b0, b1 = str(item[0]), int(item[1]), int(item[2]), int(item[3]), int(item[4])
            except (TypeError, ValueError):
                continue
            segments.append((op, a0, a1, b0, b1))
    return segments


def side_by_side(
    text_a: str, text_b: str, alignment: object, kind: str
) -> tuple[tuple[Run, ...], tuple[Run, ...]]:
    """Runs for paragraph a and paragraph b of a pair.

    Without an alignment an ``exact`` pair is all shared text and any other
    pair is shown plain (nothing is claimed that the audit did not measure).
    """
    segments = _segments(alignment)
    if not segments:
        if kind == "exact":
            return _runs(text_a, [(0, len(text_a), "same")]), _runs(text_b, [(0, len(text_b), "same")])
        return _runs(text_a, []), _runs(text_b, [])
    runs_a = _runs(text_a, ((a0, a1, _ON_A[op]) for op, a0, a1, _, _ in segments if _ON_A[op] != "plain"))
    runs_b = _runs(text_b, ((b0, b1, _ON_B[op]) for op, _, _, b0, b1 in segments if _ON_B[op] != "plain"))
    return runs_a, runs_b
