"""Opcodes of a common subsequence of two word sequences, in time and memory about linear in their length.

Both the duplicate stage's alignment (:mod:`provenance.dedup.align`) and the
reading of edits (:mod:`provenance.edits`) compare two paragraphs' word
hashes with rapidfuzz's ``Indel.opcodes``: an exact longest common
subsequence whose bit matrix takes ``len(a) * len(b) / 8`` bytes and as many
steps over 64. For news paragraphs (a few hundred words) that is nothing, but
two near copies of one 160,000-word paragraph took an audit to 3.3 GB and
26 s, growing with the square of the paragraph.

:func:`opcodes` gives the exact method every pair of at most
:data:`EXACT_MAX_CELLS` word pairs, unchanged (so ordinary paragraphs align
exactly as before). A larger pair is cut the way diff tools cut files
(patience diff): the common prefix and suffix are equal runs, and the
shingles of a few words found exactly once in each side, in the longest
chain that keeps their order, are anchors; the gaps between anchors are
aligned the same way, down to pieces small enough for the exact method. A
gap still too large after :data:`MAX_DEPTH` rounds, or with no anchor (text
that repeats itself), is cut along its diagonal into pieces of at most
:data:`EXACT_MAX_CELLS`, each aligned exactly: a common subsequence, no
longer always the longest. Every round reads each word a bounded number of
times, and the exact method never sees more than ``sqrt(EXACT_MAX_CELLS)``
words per word of input, so time is about linear and memory linear in the
paragraphs' words.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence

from rapidfuzz.distance import Indel

__all__ = ["EXACT_MAX_CELLS", "MAX_DEPTH", "Opcode", "opcodes"]

#: Opcodes as rapidfuzz gives them: ``(tag, a_start, a_end, b_start, b_end)``, tag ``equal``,
#: ``delete`` or ``insert``.
Opcode = tuple[str, int, int, int, int]

#: The most word pairs (``len(a) * len(b)``) given whole to the exact method: 2,000 words against
#: 2,000 (a 0.5 MB bit matrix). The longest pair of paragraphs in the seed, meter-showbiz,
#: clough-short-answers and the generated 10,000-post dump is 485 x 518 words.
EXACT_MAX_CELLS = 4_000_000
#: Rounds of anchoring before a gap too large for the exact method is cut along its diagonal.
MAX_DEPTH = 8
#: Shingle lengths (words) tried for anchors; the one giving the longest chain is kept.
ANCHOR_SHINGLES = (1, 4, 12)

_SIDE = math.isqrt(EXACT_MAX_CELLS)


def opcodes(a: Sequence[int], b: Sequence[int]) -> list[Opcode]:
    """A common subsequence of ``a`` and ``b`` as opcodes covering both in order.

    Exactly ``Indel.opcodes(a, b)`` when ``len(a) * len(b) <= EXACT_MAX_CELLS``;
    larger pairs go through anchors (module doc), and there adjacent changes
    come as one ``delete`` followed by one ``insert``.
    """
    if len(a) * len(b) <= EXACT_MAX_CELLS:
        return _exact(a, b, 0, len(a), 0, len(b))
    found: list[Opcode] = []
    _anchored(a, b, 0, len(a), 0, len(b), 0, found)
    return _coalesced(found)


def _exact(a: Sequence[int], b: Sequence[int], a0: int, a1: int, b0: int, b1: int) -> list[Opcode]:
    """``Indel.opcodes`` of ``a[a0:a1]`` and ``b[b0:b1]``, in the whole sequences' positions."""
    if (a0, a1, b0, b1) == (0, len(a), 0, len(b)):
        ops = Indel.opcodes(a, b)
    else:
        ops = Indel.opcodes(a[a0:a1], b[b0:b1])
    return [(op.tag, a0 + op.src_start, a0 + op.src_end, b0 + op.dest_start, b0 + op.dest_end) for op in ops]


def _anchored(
    a: Sequence[int], b: Sequence[int], a0: int, a1: int, b0: int, b1: int, depth: int, out: list[Opcode]
) -> None:
    """Opcodes of ``a[a0:a1]`` against ``b[b0:b1]`` appended to ``out``, through anchors."""
    start_a, start_b = a0, b0
    while a0 < a1 and b0 < b1 and a[a0] == b[b0]:
        a0 += 1
        b0 += 1
    if a0 > start_a:
        out.append(("equal", start_a, a0, start_b, b0))
    end_a, end_b = a1, b1
    while a1 > a0 and b1 > b0 and a[a1 - 1] == b[b1 - 1]:
        a1 -= 1
        b1 -= 1
    _middle(a, b, a0, a1, b0, b1, depth, out)
    if a1 < end_a:
        out.append(("equal", a1, end_a, b1, end_b))


def _middle(
    a: Sequence[int], b: Sequence[int], a0: int, a1: int, b0: int, b1: int, depth: int, out: list[Opcode]
) -> None:
    if a0 == a1 or b0 == b1:
        if a0 < a1:
            out.append(("delete", a0, a1, b0, b0))
        elif b0 < b1:
            out.append(("insert", a0, a0, b0, b1))
        return
    if (a1 - a0) * (b1 - b0) <= EXACT_MAX_CELLS:
        out += _exact(a, b, a0, a1, b0, b1)
        return
    chain = _anchors(a, b, a0, a1, b0, b1) if depth < MAX_DEPTH else []
    if not chain:
        _diagonal(a, b, a0, a1, b0, b1, out)
        return
    at_a, at_b = a0, b0
    for i, j in chain:
        _anchored(a, b, at_a, i, at_b, j, depth + 1, out)
        out.append(("equal", i, i + 1, j, j + 1))
        at_a, at_b = i + 1, j + 1
    _anchored(a, b, at_a, a1, at_b, b1, depth + 1, out)


def _anchors(a: Sequence[int], b: Sequence[int], a0: int, a1: int, b0: int, b1: int) -> list[tuple[int, int]]:
    """Word pairs ``(i, j)``, increasing on both sides, that start a shingle found once in each range.

    Of the shingle lengths :data:`ANCHOR_SHINGLES`, the one whose longest
    order-keeping chain of such pairs is longest (patience diff).
    """
    best: list[tuple[int, int]] = []
    for size in ANCHOR_SHINGLES:
        if size > min(a1 - a0, b1 - b0):
            break
        chain = _longest_chain(_unique_matches(a, b, a0, a1, b0, b1, size))
        if len(chain) > len(best):
            best = chain
    return best


def _unique_matches(
    a: Sequence[int], b: Sequence[int], a0: int, a1: int, b0: int, b1: int, size: int
) -> list[tuple[int, int]]:
    """``(i, j)`` in order of ``i`` where the ``size`` words from ``a[i]`` and from ``b[j]`` are
    one shingle that occurs once in ``a[a0:a1]`` and once in ``b[b0:b1]``."""
    once: dict[int | tuple[int, ...], int] = {}
    seen_twice: set[int | tuple[int, ...]] = set()
    for i in range(a0, a1 - size + 1):
        key = a[i] if size == 1 else tuple(a[i : i + size])
        if key in once:
            seen_twice.add(key)
        else:
            once[key] = i
    for key in seen_twice:
        del once[key]
    in_b: dict[int | tuple[int, ...], int] = {}
    seen_twice.clear()
    for j in range(b0, b1 - size + 1):
        key = b[j] if size == 1 else tuple(b[j : j + size])
        if key not in once:
            continue
        if key in in_b:
            seen_twice.add(key)
        else:
            in_b[key] = j
    return sorted((once[key], j) for key, j in in_b.items() if key not in seen_twice)


def _longest_chain(matches: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``matches`` (increasing in ``i``) that also increases in ``j``."""
    tails: list[int] = []  # tails[k]: the smallest j ending a chain of k + 1 matches
    tail_at: list[int] = []  # the index in matches of that match
    before: list[int] = []  # for each match, the index of the one before it in its chain
    for index, (_, j) in enumerate(matches):
        k = bisect_left(tails, j)
        before.append(tail_at[k - 1] if k else -1)
        if k == len(tails):
            tails.append(j)
            tail_at.append(index)
        else:
            tails[k] = j
            tail_at[k] = index
    chain: list[tuple[int, int]] = []
    at = tail_at[-1] if tail_at else -1
    while at >= 0:
        chain.append(matches[at])
        at = before[at]
    chain.reverse()
    return chain


def _diagonal(
    a: Sequence[int], b: Sequence[int], a0: int, a1: int, b0: int, b1: int, out: list[Opcode]
) -> None:
    """``a[a0:a1]`` against ``b[b0:b1]`` cut into pieces along the diagonal, each aligned exactly.

    Each piece has at most ``sqrt(EXACT_MAX_CELLS)`` words on the longer side, so at most
    :data:`EXACT_MAX_CELLS` word pairs.
    """
    pieces = -(-max(a1 - a0, b1 - b0) // _SIDE)
    for k in range(pieces):
        pa0, pa1 = a0 + (a1 - a0) * k // pieces, a0 + (a1 - a0) * (k + 1) // pieces
        pb0, pb1 = b0 + (b1 - b0) * k // pieces, b0 + (b1 - b0) * (k + 1) // pieces
        if pa0 == pa1 or pb0 == pb1:
            _middle(a, b, pa0, pa1, pb0, pb1, MAX_DEPTH, out)
        else:
            out += _exact(a, b, pa0, pa1, pb0, pb1)


def _coalesced(ops: list[Opcode]) -> list[Opcode]:
    """``ops`` with touching equal runs joined, and the changes between two equal runs as one
    ``delete`` then one ``insert``; empty ops dropped."""
    result: list[Opcode] = []
    pending: list[int] | None = None  # [a_start, a_end, b_start, b_end] of changes since the last equal

    def flush() -> None:
        if pending is None:
            return
        i1, i2, j1, j2 = pending
        if i1 < i2:
            result.append(("delete", i1, i2, j1, j1))
        if j1 < j2:
            result.append(("insert", i2, i2, j1, j2))

    for tag, i1, i2, j1, j2 in ops:
        if i1 == i2 and j1 == j2:
            continue
        if tag == "equal":
            flush()
            pending = None
            if result and result[-1][0] == "equal" and result[-1][2] == i1 and result[-1][4] == j1:
                last = result.pop()
                result.append(("equal", last[1], i2, last[3], j2))
            else:
                result.append((tag, i1, i2, j1, j2))
        elif pending is None:
            pending = [i1, i2, j1, j2]
        else:
            pending[1], pending[3] = i2, j2
    flush()
    return result
