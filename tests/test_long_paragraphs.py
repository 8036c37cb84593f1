"""A pair of very long paragraphs aligns and reads its edits with work bounded by its length.

Alignment and edits once handed two whole paragraphs to rapidfuzz's exact
longest common subsequence, whose bit matrix is ``len(a) * len(b)`` bits:
two near copies of one 160,000-word paragraph took 3.3 GB and 26 s. These
tests count work instead of timing it: what the exact method is given, and
how much text reading edits slices; and they check ordinary paragraphs
still get exactly the old answers.
"""

from __future__ import annotations

import importlib
import random
import re
from bisect import bisect_left
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

import provenance.edits as edits_module
from provenance.dedup.align import align
from provenance.edits import edits
from provenance.quotes import quoted_spans
from provenance.shingle import word_spans

# The package re-exports the function ``align``, which hides the module of that name.
dedup_align = importlib.import_module("provenance.dedup.align")

# What the exact method may be given at once (word pairs), and over a whole pair per word of
# input: fixed here, not read from the code under test, so the limits are the test's own.
MAX_CELLS = 4_000_000
MAX_CELLS_PER_WORD = 4_000

_NEWS_WORDS = "the of and to in a is that for on was with said not. Reportedly, 12 Monday. “quoted” (aside)"
_VOCAB = [f"w{i}" for i in range(3000)] + [f"Name{i}" for i in range(300)] + _NEWS_WORDS.split()


def _near_copies(words: int, seed: int, changes_per: int = 80) -> tuple[str, str]:
    """Two texts of about ``words`` words, the second with one word in ``changes_per`` replaced,
    dropped or added; hard-wrapped at 12 words a line like the repro's posts."""
    rng = random.Random(seed)
    base = [rng.choice(_VOCAB) for _ in range(words)]
    copy = list(base)
    for _ in range(words // changes_per):
        at = rng.randrange(len(copy))
        roll = rng.random()
        if roll < 0.5:
            copy[at] = rng.choice(_VOCAB)
        elif roll < 0.75:
            del copy[at]
        else:
            copy.insert(at, rng.choice(_VOCAB))

    def wrap(text: list[str]) -> str:
        return "\n".join(" ".join(text[i : i + 12]) for i in range(0, len(text), 12))

    return wrap(base), wrap(copy)


class _Recorder:
    """``Indel.opcodes`` that keeps the size of every input, refusing one over :data:`MAX_CELLS`."""

    def __init__(self) -> None:
        self.cells: list[int] = []
        self.exact = Indel.opcodes

    def __call__(self, a: Any, b: Any, **kwargs: Any) -> Any:
        cells = len(a) * len(b)
        self.cells.append(cells)
        assert cells <= MAX_CELLS, f"the exact method was given {len(a):,} x {len(b):,} words"
        return self.exact(a, b, **kwargs)


def _equal_words(text_a: str, text_b: str, segments: Any) -> int:
    """How many words of ``text_a`` an alignment's ``equal`` segments cover."""
    _, starts, _ = word_spans(text_a)
    return sum(
        bisect_left(starts, s.a_end) - bisect_left(starts, s.a_start) for s in segments if s.op == "equal"
    )


def test_a_pair_of_50000_word_paragraphs_aligns_and_reads_edits_with_bounded_exact_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text_a, text_b = _near_copies(50_000, seed=1)
    words = len(word_spans(text_a)[0]) + len(word_spans(text_b)[0])
    recorder = _Recorder()
    monkeypatch.setattr(Indel, "opcodes", recorder)

    alignment = align(text_a, text_b)
    assert recorder.cells and sum(recorder.cells) <= MAX_CELLS_PER_WORD * words
    recorder.cells.clear()
    found = edits(text_a, text_b)
    assert recorder.cells and sum(recorder.cells) <= MAX_CELLS_PER_WORD * words

    # Still a good alignment: at least the words no change touched are shared (625 changes,
    # each touching at most one word of the source).
    assert _equal_words(text_a, text_b, alignment) >= 50_000 - 50_000 // 80
    # The line breaks move after a dropped or added word: whitespace edits, besides the changes.
    assert 0 < len([e for e in found if e.group != "formatting"]) <= 50_000 // 80


def test_text_that_repeats_itself_has_no_anchor_and_is_still_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """No word or shingle occurs once (one line over and over, a word changed here and there):
    the pair is cut along its diagonal, each piece small enough for the exact method."""
    line = "the cat sat on the mat and the dog sat on the log"
    text_a = " ".join([line] * 4_000)
    words = text_a.split()
    for at in range(7, len(words), 997):
        words[at] = "bird"
    text_b = " ".join(words)
    recorder = _Recorder()
    monkeypatch.setattr(Indel, "opcodes", recorder)
    alignment = align(text_a, text_b)
    assert sum(recorder.cells) <= MAX_CELLS_PER_WORD * 2 * len(words)
    assert _equal_words(text_a, text_b, alignment) >= len(words) - 2 * (len(words) // 997 + 1)


class _CountingStr(str):
    """A text that counts the characters every slice of it copies."""

    sliced = 0

    def __getitem__(self, key: Any) -> str:
        piece = str.__getitem__(self, key)
        _CountingStr.sliced += len(piece)
        return piece


def test_reading_the_edits_of_a_long_pair_slices_each_character_a_bounded_number_of_times() -> None:
    """Sentence, lead-in and quotation tests look beside each changed run, not at the whole text
    before it (which copied and searched about half the paragraph per capitalised word)."""
    text_a, text_b = _near_copies(50_000, seed=2, changes_per=40)
    _CountingStr.sliced = 0
    found = edits(_CountingStr(text_a), _CountingStr(text_b))
    assert found
    assert _CountingStr.sliced <= 10 * (len(text_a) + len(text_b))


# Ordinary paragraphs: exactly what the code gave before long pairs were anchored.


def _old_opcodes(a: list[int], b: list[int]) -> list[tuple[str, int, int, int, int]]:
    return [(o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end) for o in Indel.opcodes(a, b)]


_NEWS_SENTENCE = (
    "The ministry said 1,112 people died on Thursday , not 1,212 . “ It is fine , ” Smith told "
    "Reuters in Paris ; reportedly the rebels [ I ] t ... attacked the town again"
)
_news_words = st.sampled_from(_NEWS_SENTENCE.split())


@given(
    st.lists(_news_words, max_size=600),
    st.lists(st.tuples(st.integers(0, 600), st.integers(0, 2), _news_words), max_size=40),
)
def test_ordinary_paragraphs_align_and_read_edits_exactly_as_before(
    source_words: list[str], changes: list[tuple[int, int, str]]
) -> None:
    """Up to 600 words a side (the longest paragraphs in the seed and corpora have 599): the
    alignment and edits equal those of the whole-pair exact method."""
    from provenance import lcs

    copy_words = list(source_words)
    for at, how, word in changes:
        at = min(at, len(copy_words))
        if how == 0 and at < len(copy_words):
            copy_words[at] = word
        elif how == 1 and at < len(copy_words):
            del copy_words[at]
        else:
            copy_words.insert(at, word)
    source, copy = " ".join(source_words), " ".join(copy_words)
    hashes_a, hashes_b = word_spans(source)[0], word_spans(copy)[0]
    assert lcs.opcodes(hashes_a, hashes_b) == _old_opcodes(hashes_a, hashes_b)
    new_alignment, new_edits = align(source, copy), edits(source, copy)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dedup_align, "opcodes", _old_opcodes)
        patch.setattr(edits_module, "opcodes", _old_opcodes)
        assert align(source, copy) == new_alignment
        assert edits(source, copy) == new_edits


@pytest.mark.parametrize("seed", range(40))
def test_a_pair_just_over_the_exact_limit_shares_nearly_as_many_words_as_the_exact_method(seed: int) -> None:
    """Anchoring is not always the longest common subsequence, but close to it on near copies."""
    from provenance import lcs

    rng = random.Random(seed)
    a = [rng.randrange(rng.choice([20, 200, 5_000])) for _ in range(rng.choice([2_100, 2_600, 3_000]))]
    b = list(a)
    for _ in range(int(len(a) * rng.choice([0.01, 0.05, 0.2]))):
        at = rng.randrange(len(b))
        b[at : at + 1] = rng.choice([[], [rng.randrange(5_000)], [b[at], rng.randrange(5_000)]])
    assert len(a) * len(b) > lcs.EXACT_MAX_CELLS
    ops = lcs.opcodes(a, b)
    ia = ib = 0
    for tag, i1, i2, j1, j2 in ops:
        assert (i1, j1) == (ia, ib) and tag in ("equal", "delete", "insert")
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        ia, ib = i2, j2
    assert (ia, ib) == (len(a), len(b))
    shared = sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal")
    exact = sum(i2 - i1 for tag, i1, i2, _, _ in _old_opcodes(a, b) if tag == "equal")
    assert shared >= 0.99 * exact


# The sentence, lead-in and quotation tests of reading edits, against the expressions they replaced.

_OLD_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")


def _old_is_sentence(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip()
    starts = not before or bool(_OLD_SENTENCE_END.search(before))
    ends = end >= len(text.rstrip()) or bool(
        _OLD_SENTENCE_END.search(text[: edits_module._extend(text, end)].rstrip())
    )
    return starts and ends


def _old_lead_in(text: str, start: int, end: int) -> bool:
    return not text[:start].strip(" \t\"'“‘(") and not _OLD_SENTENCE_END.search(
        text[: edits_module._extend(text, end)].rstrip()
    )


@given(st.text(alphabet="ab .!?\"'”’)]([“‘:\t\n\u00a0\u2003\x1c", max_size=14), st.data())
def test_the_sentence_lead_in_and_quotation_tests_answer_as_before(text: str, data: st.DataObject) -> None:
    from provenance.quotes import _after_colon

    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert edits_module._is_sentence(text, start, end) == _old_is_sentence(text, start, end)
    lead_in = edits_module._only_opening_before(text, start) and not edits_module._ends_sentence(
        text, edits_module._extend(text, end)
    )
    assert lead_in == _old_lead_in(text, start, end)
    assert _after_colon(text, start) == text[:start].rstrip().endswith(":")
    spans = quoted_spans(text, min_words=1)
    old_inside = any(a <= start and end <= b and start < end for a, b in spans)
    assert edits_module._inside(spans, start, end) == old_inside
