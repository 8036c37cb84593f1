"""The values of the figures a short English text writes, in digits or in words.

A copy that writes a figure otherwise ("35" for "Thirty-five", "£2.5m" for
"2.5 million pounds", "twelve" for "12", "second" for "2nd") changed no
figure, and :mod:`provenance.edits` must not call it a changed number: the
report shows number edits in bold as substantive, and a fact-checker reads
"they differ in 1 number" as a figure the copy got wrong. This module reads
the values; it is no general number parser: it reads the changed runs of a
few words that the edits hold, in English, and says nothing of a run it
cannot read whole (a decade such as "1990s", a fraction, a range).
"""

from __future__ import annotations

import re

__all__ = ["figure_values"]


def _numbered(words: str, first: int, step: int = 1) -> dict[str, int]:
    return {word: (first + at) * step for at, word in enumerate(words.split())}


_UNITS = _numbered(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen",
    0,
)
_TENS = _numbered("twenty thirty forty fifty sixty seventy eighty ninety", 2, 10)
_ORDINALS = _numbered("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth", 1)
#: Words that multiply what comes before them; "hundred" only the group it closes ("two hundred
#: thousand": 200,000; "one thousand two hundred": 1,200).
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
#: Words after which a counting word goes on the same figure: "hundred and fifty", "thousand two".
_JOINING = frozenset({"hundred", "and", *_SCALES})
#: Short scales written after digits: "2.5m", "3bn", "40k".
_SUFFIXES = {"k": 10**3, "m": 10**6, "mn": 10**6, "bn": 10**9, "b": 10**9, "tn": 10**12}

# A figure in digits ("2,500,000", "2.5", "2nd", "2.5m", "3bn") or a word. A figure followed by other
# letters ("1990s", "5per") is no word and no figure: the run is then not read.
_TOKEN = re.compile(
    r"(?P<digits>\d[\d,]*(?:\.\d+)?)(?P<suffix>st|nd|rd|th|mn|bn|tn|[kmb])?(?![\w])|(?P<word>[^\W\d_]+)"
)


def figure_values(text: str) -> tuple[float, ...] | None:
    """The values of the figures ``text`` writes, in order; None when it writes none, or a figure
    this module does not read.

    >>> figure_values("Thirty-five people")
    (35.0,)
    >>> figure_values("2.5 million pounds") == figure_values("2,500,000") == figure_values("£2.5m")
    True
    """
    values: list[float] = []
    total, group, open_figure = 0.0, 0.0, False

    def close() -> None:
        nonlocal total, group, open_figure
        if open_figure:
            values.append(total + group)
        total, group, open_figure = 0.0, 0.0, False

    at, previous = 0, ""  # where the last token ended, and that token casefolded
    for token in _TOKEN.finditer(text):
        between, before = text[at : token.start()], previous
        at, previous = token.end(), token.group().casefold()
        if any(ch.isdigit() for ch in between):
            return None  # a figure the token pattern could not read whole ("1990s", "5per")
        if token.group("digits") is not None:
            close()
            digits = token.group("digits").replace(",", "")
            if digits.count(".") > 1:
                return None
            suffix = (token.group("suffix") or "").lower()
            group = float(digits) * _SUFFIXES.get(suffix, 1)
            open_figure = True
            continue
        word = token.group("word").casefold()
        if word in _UNITS or word in _TENS:
            value = _UNITS.get(word, _TENS.get(word, 0))
            # "thirty-five", "twenty one": a unit after a tens word adds to it; any other pair of counting
            # words ("two three") is two figures.
            joins = group % 100 in _TENS.values() and value < 10
            if open_figure and not joins and group % 1000 and before not in _JOINING:
                close()
            group += value
            open_figure = True
        elif word in _ORDINALS:
            close()
            values.append(float(_ORDINALS[word]))
        elif word == "hundred" and (open_figure or before == "a"):
            group = (group or 1) * 100
            open_figure = True
        elif word in _SCALES and (open_figure or before == "a"):
            total += (group or 1) * _SCALES[word]
            group, open_figure = 0.0, True
        elif word == "dozen":
            group = (group or 1) * 12
            open_figure = True
        elif word == "and" and open_figure and before in _JOINING:
            continue  # "two hundred and fifty"; "10 and twenty" is two figures
        else:
            close()
    if any(ch.isdigit() for ch in text[at:]):
        return None
    close()
    # 1.1 * 10**6 is 1100000.0000000002: figures are compared to the millionth.
    return tuple(round(value, 6) for value in values) or None
