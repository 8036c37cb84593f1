"""Word alignment of two paragraphs with character offsets, so the report can highlight shared words."""

from __future__ import annotations

from rapidfuzz.distance import Indel

from provenance.models import Segment
from provenance.shingle import Token, tokens

__all__ = ["align"]


def align(text_a: str, text_b: str) -> tuple[Segment, ...]:
    """Word alignment of two texts with character offsets into each.

    ``equal`` segments are runs of shared normalised words (longest common
    subsequence, rapidfuzz ``Indel``); a deletion next to an insertion is
    reported as one ``replace``. Offsets are half-open; an empty side sits at
    the position where the other side's words would go.
    """
    tok_a, tok_b = tokens(text_a), tokens(text_b)
    words_a, words_b = [t.word for t in tok_a], [t.word for t in tok_b]

    def span(toks: list[Token], i: int, j: int, text: str) -> tuple[int, int]:
        if i < j:
            return toks[i].start, toks[j - 1].end
        at = toks[i].start if i < len(toks) else (toks[-1].end if toks else len(text))
        return at, at

    raw: list[tuple[str, int, int, int, int]] = []
    for op in Indel.opcodes(words_a, words_b):
        tag = op.tag
        if raw and {raw[-1][0], tag} == {"delete", "insert"}:
            prev = raw.pop()
            raw.append(("replace", prev[1], op.src_end, prev[3], op.dest_end))
            continue
        raw.append((tag, op.src_start, op.src_end, op.dest_start, op.dest_end))
    segments = []
    for tag, i1, i2, j1, j2 in raw:
        a_start, a_end = span(tok_a, i1, i2, text_a)
        b_start, b_end = span(tok_b, j1, j2, text_b)
        segments.append(Segment(tag, a_start, a_end, b_start, b_end))  # type: ignore[arg-type]
    return tuple(segments)
