"""The values of figures written in digits or words (provenance.figures), which keep a figure written
otherwise from being called a changed number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.figures import figure_values


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Thirty-five", (35,)),
        ("thirty five people", (35,)),
        ("twenty one", (21,)),
        ("twelve", (12,)),
        ("two hundred and fifty", (250,)),
        ("one thousand two hundred", (1200,)),
        ("five hundred thousand", (500_000,)),
        ("a hundred", (100,)),
        ("a million", (1_000_000,)),
        ("a dozen", (12,)),
        ("2nd", (2,)),
        ("second", (2,)),
        ("2.5 million pounds.", (2_500_000,)),
        ("£2.5m.", (2_500_000,)),
        ("$3bn", (3_000_000_000,)),
        ("40k", (40_000,)),
        ("1.1 million", (1_100_000,)),
        ("1,200", (1200,)),
        # Two counting words side by side are two figures; a figure in words and one in digits too.
        ("two three", (2, 3)),
        ("between 10 and twenty", (10, 20)),
        # Nothing read: no figure, or a figure this reader does not read whole.
        ("the victims", None),
        ("per cent", None),
        ("1990s", None),
        ("5per", None),
        ("million", None),
    ],
)
def test_a_figure_is_read_as_its_value(text: str, values: tuple[float, ...] | None) -> None:
    assert figure_values(text) == (None if values is None else tuple(float(v) for v in values))


@given(st.integers(min_value=0, max_value=10**12))
def test_digits_with_or_without_thousands_separators_are_one_value(number: int) -> None:
    assert figure_values(str(number)) == figure_values(f"{number:,}") == (float(number),)


@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=9),
    st.sampled_from([("million", "m"), ("billion", "bn"), ("thousand", "k")]),
)
def test_a_scale_in_words_and_its_short_suffix_are_the_same_value(
    whole: int, tenth: int, scale: tuple[str, str]
) -> None:
    word, suffix = scale
    figure = f"{whole}.{tenth}"
    assert figure_values(f"{figure} {word}") == figure_values(f"£{figure}{suffix}.") is not None


@given(st.text(max_size=60))
def test_any_text_is_read_or_refused_without_error(text: str) -> None:
    values = figure_values(text)
    assert values is None or (values and all(value >= 0 for value in values))
