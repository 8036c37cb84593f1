"""Quotations: which words of a paragraph are someone's own words reproduced."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.quotes import many_quoted_words, quoted_spans, quoted_words
from provenance.shingle import word_spans


def quoted_text(text: str) -> list[str]:
    return [text[a:b] for a, b in quoted_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said: "We will win the match," and left.', ['"We will win the match,"']),
        (
            "``Various companies have been trying for years,'' Grantham said today.",
            ["``Various companies have been trying for years,''"],
        ),
        ("‘It was wonderful,’ she told reporters. Don’t worry.", ["‘It was wonderful,’"]),
        ("„Wir schaffen das“, sagte sie, and the minister added nothing.", ["„Wir schaffen das“"]),
        (
            "Le ministre a dit « nous allons gagner ce match demain soir » hier.",
            ["« nous allons gagner ce match demain soir »"],
        ),
    ],
)
def test_quotations_of_every_style_news_text_uses(text: str, expected: list[str]) -> None:
    """Straight, curly, low-high, guillemet, single and wire backtick quotations are found, marks included."""
    assert quoted_text(text) == expected


def test_a_quotation_left_open_runs_to_the_end_of_its_paragraph() -> None:
    """A multi-paragraph quotation leaves each paragraph unclosed: the rest of the paragraph is quoted."""
    text = "He went on: ``Anita was very sensible and so was I, by saying that the time was not right."
    assert quoted_text(text) == [
        "``Anita was very sensible and so was I, by saying that the time was not right."
    ]


@pytest.mark.parametrize(
    "text",
    [
        'Edmonds finds the programmes "too boring".',  # scare quotes: two words, no speaker
        'They star in "The Stretch" on Sky Premier this autumn.',  # a title
        "It's the '90s and Charles' book is out; don't ask what the Smiths' view is.",  # apostrophes
        "a romp involving `rumpo' in the court",  # a word in quotes, no speaker
    ],
)
def test_titles_scare_quotes_and_apostrophes_are_not_quotations(text: str) -> None:
    """Short quoted words without a speaker beside them, and apostrophes, stay prose."""
    assert quoted_spans(text) == []


def test_a_short_quote_with_a_speaker_is_a_quotation() -> None:
    """Two words in quotes count when a reported-speech marker stands beside them."""
    assert quoted_text('The deal is "a disaster", the minister said.') == ['"a disaster"']


def test_quoted_words_follow_the_words_dedup_counts() -> None:
    """One flag per word as word_spans counts them; the words inside the quotation are flagged."""
    text = 'Eavis said: "We have never seen anything like it." Then he left.'
    flags = quoted_words(text)
    assert len(flags) == len(word_spans(text)[0])
    assert flags == [False, False, True, True, True, True, True, True, True, False, False, False]


@given(st.text(alphabet=st.sampled_from(list("ab '\"‘’“”`«»„:\n.")), max_size=60))
def test_spans_are_ordered_disjoint_and_inside_the_text(text: str) -> None:
    """Whatever the marks, spans are ordered, disjoint, non-empty and within the text; flags match words."""
    spans = quoted_spans(text)
    end = 0
    for start, stop in spans:
        assert end <= start < stop <= len(text)
        end = stop
    assert len(quoted_words(text)) == len(word_spans(text)[0])


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab '\"“”:.said")), max_size=30), max_size=8))
def test_many_quoted_words_is_quoted_words_concatenated(texts: list[str]) -> None:
    """The bulk form equals the per-text form, concatenated in order."""
    lengths = np.array([len(word_spans(t)[0]) for t in texts], dtype=np.int64)
    expected = [flag for t in texts for flag in quoted_words(t)]
    assert many_quoted_words(texts, lengths).tolist() == expected
