"""Quotations in a paragraph: where someone's own words are reproduced.

Independent reports of one event quote the same people word for word (a
ruling, a statement, a star's remark), so words shared inside quotations are
weaker evidence of copying than shared narrative prose. This module finds the
quoted character spans of one paragraph; the duplicate stage marks the words
inside them and measures their reuse apart (``reuse.quoted_share``).

What counts as a quotation:

- text between quotation marks of any of the styles news text uses: straight
  ``"…"``, typographic ``“…”`` and ``„…“``, guillemets ``«…»``, single ``‘…’``,
  and the wire's backticks ```` ``…'' ```` and ```…'``; a straight or typographic
  apostrophe inside a word ("don't", "Charles’s") is never a quotation mark;
- a quotation still open at the end of the paragraph runs to its end: the
  English convention for a quotation over several paragraphs leaves each
  paragraph's quote unclosed and opens the next one again;
- only *speech*: a quoted span counts when it has at least
  ``min_words`` words (``AuditConfig.min_quote_words``, 6) or a reported-speech
  marker ("said", "told",
  "added", "according to", a colon before it…) stands beside it. Titles and
  scare quotes ("The Stretch", "too boring") are shared by independent
  reports too, but they are a few words without a speaker, and they stay prose.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from provenance.shingle import word_spans

__all__ = ["many_quoted_words", "quoted_spans", "quoted_words"]

#: A quoted span of this many words or more is speech even without a marker beside it (the default).
_MIN_WORDS = 6

_OPEN_DOUBLE = {"“": "”", "„": "“", "«": "»", "``": "''"}
_WORD = re.compile(r"\w+")
# Reported-speech markers: verbs of saying (any tense) and the phrases that introduce a quote.
_SPEECH = re.compile(
    r"\b(?:say|says|said|saying|tell|tells|told|add|adds|added|ask|asks|asked|reply|replies|replied|"
    r"insist|insists|insisted|explain|explains|explained|claim|claims|claimed|state|states|stated|"
    r"declare|declares|declared|admit|admits|admitted|warn|warns|warned|write|writes|wrote|"
    r"continue|continues|continued|quip|quipped|joke|joked|according\s+to|quoted|quoting)\b",
    re.IGNORECASE,
)
# How far from a quoted span a marker may stand (characters before or after it).
_MARKER_REACH = 60


# Every character that can be a quotation mark, the wire's doubled backticks and apostrophes first.
_MARK = re.compile(r"``|''|[\"“”„«»‘’'`]")


# The marks that close a double quotation, by the mark that opened it.
_CLOSERS = {'"': '"', "“": "”", "„": "“”", "«": "»", "``": "''"}


def _marks(text: str) -> list[tuple[int, int, str, str]]:
    """Quotation marks as ``(start, end, mark, role)``: ``double`` (opens or closes a double
    quotation, by context), ``open-single`` or ``close-single``; apostrophes are left out."""
    found: list[tuple[int, int, str, str]] = []
    for match in _MARK.finditer(text):
        mark, i = match.group(), match.start()
        before = text[i - 1] if i else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if mark in ('"', "“", "”", "„", "«", "»", "``", "''"):
            found.append((i, match.end(), mark, "double"))
        elif mark in "‘`":
            if not before.isalnum():
                found.append((i, i + 1, mark, "open-single"))
        # A straight or typographic apostrophe between two letters is one ("don't");
        # before a letter after a space it opens; after anything but a space, before a
        # non-letter, it closes (a plural possessive, "the Smiths' house", closes
        # nothing when no single quotation is open).
        elif before.isspace() and after.isalpha():  # "'90s" elides a century
            found.append((i, i + 1, mark, "open-single"))
        elif not before.isspace() and not after.isalnum():
            found.append((i, i + 1, mark, "close-single"))
    return found


def _raw_spans(text: str) -> list[tuple[int, int]]:
    """Character spans between opening and closing marks (the marks included), unclosed ones to the end."""
    spans: list[tuple[int, int]] = []
    double_open: tuple[int, str] | None = None
    single_open: int | None = None
    for start, end, mark, role in _marks(text):
        if role == "double":
            if double_open is not None and mark in _CLOSERS[double_open[1]]:
                spans.append((double_open[0], end))
                double_open = None
            elif double_open is None and single_open is None and mark in _CLOSERS:
                double_open = (start, mark)
        elif role == "open-single" and double_open is None and single_open is None:
            single_open = start
        elif role == "close-single" and single_open is not None:
            spans.append((single_open, end))
            single_open = None
    # An open quotation runs to the paragraph's end (the next paragraph opens it
    # again), but a lone single mark inside a sentence ("the '90s") is an
    # apostrophe: a single quotation runs on only when it opened the paragraph.
    if double_open is not None:
        spans.append((double_open[0], len(text)))
    elif single_open is not None and not text[:single_open].strip():
        spans.append((single_open, len(text)))
    return spans


def quoted_spans(text: str, min_words: int = _MIN_WORDS) -> list[tuple[int, int]]:
    """Half-open character spans of ``text`` that hold quoted speech, in order and disjoint.

    See the module doc for what counts. Each span includes its quotation
    marks; an unclosed quotation runs to the end of ``text``.
    """
    spans = []
    for start, end in _raw_spans(text):
        words = len(_WORD.findall(text[start:end]))
        if words == 0:
            continue
        near = text[max(0, start - _MARKER_REACH) : start] + " " + text[end : end + _MARKER_REACH]
        introduced = _after_colon(text, start)
        if words >= min_words or introduced or _SPEECH.search(near):
            spans.append((start, end))
    return spans


def _after_colon(text: str, start: int) -> bool:
    """Whether ``text[:start].rstrip()`` ends with ":", looking back from ``start`` only (a slice of the
    text before each quotation made a paragraph of many quotations quadratic)."""
    while start > 0 and text[start - 1].isspace():
        start -= 1
    return start > 0 and text[start - 1] == ":"


# A paragraph without any of these holds no quotation: most skip the span search.
# Plain substring tests: a regular expression with these alternatives scanned
# seven times slower (4.7 s per 100,000 paragraphs).
_OPENING_MARKS = ('"', "“", "”", "„", "«", "»", "‘", "`", " '", " ’")


def _maybe_quoted(text: str) -> bool:
    return text[:1] in ("'", "’") or any(mark in text for mark in _OPENING_MARKS)


def quoted_words(text: str, min_words: int = _MIN_WORDS) -> list[bool]:
    """For each word of ``text`` (as :func:`provenance.shingle.word_spans` counts them): is it quoted."""
    _, starts, _ = word_spans(text)
    if not _maybe_quoted(text):
        return [False] * len(starts)
    spans = quoted_spans(text, min_words)
    if not spans:
        return [False] * len(starts)
    bounds = [edge for span in spans for edge in span]
    # A word is inside a span when an odd number of span edges lie at or before its start.
    return [bisect_right(bounds, start) % 2 == 1 for start in starts]


def many_quoted_words(
    texts: Sequence[str], lengths: npt.NDArray[np.int64], min_words: int = _MIN_WORDS
) -> npt.NDArray[np.bool_]:
    """:func:`quoted_words` of many texts, concatenated; ``lengths`` are their word counts."""
    flags = np.zeros(int(lengths.sum()), dtype=bool)
    at = 0
    for text, count in zip(texts, lengths.tolist(), strict=True):
        if count and _maybe_quoted(text):
            flags[at : at + count] = quoted_words(text, min_words)
        at += count
    return flags
